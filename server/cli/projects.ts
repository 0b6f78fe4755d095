import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { TandemError } from '../../lib/errors';
import { parseCsv } from '../../lib/import/manifest';
import { describeTaskTypes, TASK_TYPE_NAMES, type TaskTypeName } from '../../lib/tasks';
import { CODEC_NAMES } from '../../lib/tasks/codecs';
import { SKELETON_PRESETS } from '../../lib/tasks/skeletons';
import type { Services } from '../services';
import { SYSTEM } from '../services/access';
import { EXPORT_ANSWERS, EXPORT_FORMATS, type ExportAnswers, type ExportFormat } from '../services/dataset-export';
import { MAX_LABEL_FILE_BYTES, readTextFile } from '../services/dataset-files';
import { PartialFailure, UsageError, type CliIO } from './commands';

const number = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}`);
  return n;
};

const IMPORT_FORMATS = ['folder', ...CODEC_NAMES] as const;

/** `project create`, `import` and `export`: a project's task, its data in, its answers out. */
export function registerDatasetCommands(program: Command, project: Command, io: CliIO, services: () => Promise<Services>, resolvePath: (p: string) => string): void {
  project.command('create <slug>').description(`create a project (${describeTaskTypes().map((t) => `${t.name}: ${t.title.toLowerCase()}`).join('; ')})`)
    .addOption(new Option('--task <type>', 'task type').choices([...TASK_TYPE_NAMES]).default('classification'))
    .option('--classes <list>', 'comma-separated class names, e.g. cat,dog (boxes: box classes; keypoints: the category, default person)')
    .option('--skeleton <preset|file>', `keypoints: a preset (${Object.keys(SKELETON_PRESETS).join(', ')}) or a JSON file {keypoints, edges, flips, sigmas}`)
    .option('--name <name>', 'display name')
    .action(async (slug: string, o: { task: TaskTypeName; classes?: string; skeleton?: string; name?: string }) => {
      const classes = o.classes?.split(',').map((c) => c.trim()).filter(Boolean);
      if (o.task !== 'keypoints' && !classes) throw new UsageError(`give --classes for a ${o.task} project, e.g. --classes cat,dog`);
      if (o.task === 'keypoints' && !o.skeleton) throw new UsageError('give --skeleton for a keypoints project: coco17, or a JSON file');
      if (o.task !== 'keypoints' && o.skeleton) throw new UsageError('--skeleton is for keypoints projects (--task keypoints)');
      const skeleton = o.skeleton === undefined || o.skeleton in SKELETON_PRESETS ? o.skeleton : await readSkeleton(resolvePath(o.skeleton));
      const p = await (await services()).projects.create(SYSTEM, { slug, name: o.name, taskType: o.task, classes, skeleton: skeleton as Record<string, unknown> | 'coco17' | undefined });
      const what = p.taskType === 'keypoints' ? `a ${(p.taskConfig.skeleton as { keypoints: string[] }).keypoints.length}-point skeleton of ${p.classes[0]}` : `classes ${p.classes.join(', ')}`;
      io.out(`created project ${p.slug} (id ${p.id}): ${p.taskType} with ${what}`);
      io.out(p.taskType === 'classification' ? `next: tandem import ${p.slug} PATH` : `next: tandem import ${p.slug} FILE.json --format coco (or DIR --format yolo, or a folder of images)`);
    });

  program.command('import <project> <path>')
    .description('import images: a folder per class, a folder of images, a JSONL/CSV manifest (image,label,group,split), a COCO JSON file or a YOLO folder; safe to re-run')
    .addOption(new Option('--format <format>', 'what PATH is').choices([...IMPORT_FORMATS]).default('folder'))
    .option('--holdout <fraction>', 'share drawn at random (by group) as the holdout', number('--holdout', 0, 1), 0.1)
    .option('--seed <n>', 'seed of the holdout draw and dealing order', number('--seed', 0, 2 ** 31), 1)
    .addOption(new Option('--labels <mode>', 'folder/manifest: what imported labels become').choices(['annotate', 'reference', 'ignore']).default('annotate'))
    .addOption(new Option('--as <mode>', 'coco/yolo: what the file\'s answers become').choices(['labels', 'prelabels', 'reference']).default('labels'))
    .option('--images <dir>', 'coco: the folder its file_names are relative to (default: the JSON file\'s folder)')
    .action(async (ref: string, source: string, o: { format: (typeof IMPORT_FORMATS)[number]; holdout: number; seed: number; labels: 'annotate' | 'reference' | 'ignore'; as: 'labels' | 'prelabels' | 'reference'; images?: string }) => {
      const s = await services();
      const p = await s.projects.resolve(ref);
      if (o.format !== 'folder') {
        const r = await s.datasets.import(SYSTEM, p.id, resolvePath(source), {
          format: o.format, as: o.as, holdout: o.holdout, seed: Math.floor(o.seed), ...(o.images ? { images: resolvePath(o.images) } : {}),
        });
        io.out(`imported ${r.added} new items into ${p.slug} with their answers as ${o.as} (${r.duplicates} already there${r.skippedCrowd ? `, ${r.skippedCrowd} crowd regions skipped` : ''})`);
        return;
      }
      let last = 0;
      const report = await s.imports.run(SYSTEM, p.id, resolvePath(source), {
        holdout: o.holdout, seed: Math.floor(o.seed), labels: o.labels,
        onProgress: (done, total) => {
          if (done - last >= 1000 || done === total) {
            io.err(`  read ${done}/${total} files`);
            last = done;
          }
        },
      });
      for (const f of report.failed) io.err(`  skipped ${f.file}: ${f.reason}`);
      io.out(`imported ${report.added} new items into ${p.slug} (${report.duplicates} already there, ${report.failed.length} failed)`);
      if (report.failed.length) throw new PartialFailure();
    });

  program.command('export <project>').description('export the resolved answer of each item, or every answer (with annotator and time)')
    .addOption(new Option('--format <format>', 'output format (coco, yolo: boxes and keypoints projects)').choices([...EXPORT_FORMATS]).default('jsonl'))
    .addOption(new Option('--answers <which>', 'resolved: one per item (disputed items wait); all: every answer, one row each (jsonl, csv)').choices([...EXPORT_ANSWERS]).default('resolved'))
    .option('--out <path>', 'write to a file (yolo: a folder) instead of standard output')
    .action(async (ref: string, o: { format: ExportFormat; answers: ExportAnswers; out?: string }) => {
      const s = await services();
      const p = await s.projects.resolve(ref);
      const r = await s.exports.project(SYSTEM, p.id, o.format, o.answers);
      if (r.kind === 'folder') {
        if (!o.out) throw new UsageError(`${o.format} is a folder of files: give --out DIR`);
        const root = resolvePath(o.out);
        for (const f of r.files) {
          fs.mkdirSync(path.dirname(path.join(root, f.path)), { recursive: true });
          fs.writeFileSync(path.join(root, f.path), f.bytes);
        }
        io.err(`wrote ${r.count} labels and their images to ${root}`);
      } else if (o.out) {
        const out = resolvePath(o.out);
        fs.writeFileSync(out, r.text);
        io.err(`wrote ${o.format === 'csv' ? Math.max(0, parseCsv(r.text).length - 1) : r.count} labels to ${out}`);
      } else io.out(r.text.replace(/\n$/, ''));
    });
}

async function readSkeleton(file: string): Promise<Record<string, unknown>> {
  if (!fs.existsSync(file)) {
    throw new UsageError(`--skeleton takes a preset (${Object.keys(SKELETON_PRESETS).join(', ')}) or a JSON file; there is no file ${file}`);
  }
  const text = await readTextFile(file, MAX_LABEL_FILE_BYTES);
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch (e) {
    throw new TandemError('bad_request', `${file} is not JSON: ${(e as Error).message}`);
  }
  throw new TandemError('bad_request', `${file} must hold a JSON object {keypoints, edges, flips, sigmas}`);
}
