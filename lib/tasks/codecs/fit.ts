import { taskType, type ProjectTask } from '../index';
import { genericPointNames } from './skeleton-of';
import type { Dataset, Decoded, ImportIssue, LabeledImage } from './types';

/**
 * Fits a decoded dataset to an existing project: the same task type, only classes the project
 * has, the same skeleton (the same number of points, the same names unless the file named none),
 * and every answer valid for the project. The answers keep the file's geometry; the project's
 * config (sigmas, colours, extra classes) wins. Every problem is listed at once.
 */
export function fitToProject(dataset: Dataset, project: ProjectTask): Decoded<LabeledImage[]> {
  const issues: ImportIssue[] = [];
  const file = dataset.task;
  if (file.task !== project.task) {
    return { ok: false, issues: [{ where: 'project', message: `is a ${project.task} project; the file holds ${file.task}` }] };
  }
  if (file.task === 'boxes' && project.task === 'boxes') {
    const known = new Set(project.config.classes);
    const unknown = new Map<string, number>();
    for (const img of dataset.images) {
      if (img.answer.task !== 'boxes') continue;
      for (const b of img.answer.boxes) if (!known.has(b.class)) unknown.set(b.class, (unknown.get(b.class) ?? 0) + 1);
    }
    for (const [cls, count] of unknown) {
      issues.push({ where: `class "${cls}"`, message: `is used by ${count} box${count === 1 ? '' : 'es'} but is not a class of the project (${project.config.classes.join(', ')})` });
    }
  }
  if (file.task === 'keypoints' && project.task === 'keypoints') {
    const ours = project.config.skeleton.keypoints;
    const theirs = file.config.skeleton.keypoints;
    const unnamed = theirs.every((n, i) => n === genericPointNames(theirs.length)[i]);
    if (theirs.length !== ours.length) {
      issues.push({ where: 'skeleton', message: `the file's skeleton has ${theirs.length} points, the project's ${ours.length}` });
    } else if (!unnamed && theirs.some((n, i) => n !== ours[i])) {
      const k = theirs.findIndex((n, i) => n !== ours[i]);
      issues.push({ where: 'skeleton', message: `point ${k} is "${theirs[k]}" in the file and "${ours[k]}" in the project` });
    }
  }
  if (issues.length) return { ok: false, issues };
  const entry = taskType(project.task);
  for (const img of dataset.images) {
    for (const i of entry.check(img.answer, project.config, img)) {
      issues.push({ where: `image "${img.fileName}"`, message: `${i.path.join('.')}: ${i.message}` });
    }
  }
  return issues.length ? { ok: false, issues } : { ok: true, value: dataset.images };
}
