import type { Db } from '../../db/client';
import { projectItemIds, setProjectGuidelines } from '../../db/queries/projects';
import { parseSentences, TandemError } from '../../lib/errors';
import { GuidelinesUpdate, type Guidelines } from '../../lib/protocol/guidelines';
import { taskOfProject } from '../../lib/tasks';
import { requireProject, type Principal } from './access';

/**
 * A project's labeling instructions: every member reads them (the labeling page shows them on a
 * first visit and behind `?`), leads and admins write them. Example items must be items of the
 * project, filed under one of its classes.
 */
export function createGuidelineService(db: Db, opts: { now?: () => Date } = {}) {
  const now = opts.now ?? (() => new Date());

  async function get(p: Principal, projectId: number): Promise<Guidelines | null> {
    const { project } = await requireProject(db, p, projectId, 'project.view');
    return project.guidelines ?? null;
  }

  async function update(p: Principal, projectId: number, input: GuidelinesUpdate): Promise<Guidelines> {
    const v = parseSentences(GuidelinesUpdate, input);
    const { project } = await requireProject(db, p, projectId, 'project.steer');
    const task = taskOfProject(project);
    const classes: readonly string[] = 'classes' in task.config ? task.config.classes : [];
    const examples: Record<string, number[]> = {};
    for (const [cls, ids] of Object.entries(v.examples)) {
      if (!classes.includes(cls)) throw new TandemError('bad_request', `"${cls}" is not a class of this project.`);
      if (ids.length > 0) examples[cls] = [...new Set(ids)];
    }
    const wanted = [...new Set(Object.values(examples).flat())];
    const found = await projectItemIds(db, projectId, wanted);
    const missing = wanted.filter((id) => !found.has(id));
    if (missing.length) {
      throw new TandemError('bad_request', `No item ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} in this project: examples are ids of its items (see the items page).`);
    }
    const guidelines: Guidelines = { markdown: v.markdown, examples, updatedAt: now().toISOString() };
    await setProjectGuidelines(db, projectId, v.markdown.trim() === '' && wanted.length === 0 ? null : guidelines);
    return guidelines;
  }

  return { get, update };
}

export type GuidelineService = ReturnType<typeof createGuidelineService>;
