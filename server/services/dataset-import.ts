import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { encodeAnswer } from '../../db/queries/answers';
import { recordImport, refreshPlannerStatistics } from '../../db/queries/imports';
import { insertItemsWithAnswers, type ItemWithAnswer } from '../../db/queries/items';
import { parseInput, TandemError } from '../../lib/errors';
import { splitForGroup } from '../../lib/holdout';
import { mapLimit } from '../../lib/import/map-limit';
import { hashUnit } from '../../lib/random';
import { taskOfProject } from '../../lib/tasks';
import { CODECS, codecsOf, type CodecName } from '../../lib/tasks/codecs';
import { fitToProject } from '../../lib/tasks/codecs/fit';
import { decodedOrThrow, type Dataset, type ImportIssue, type LabeledImage } from '../../lib/tasks/codecs/types';
import type { MediaStore } from '../media';
import { requireProject, type Principal } from './access';
import { listImages, MAX_ANNOTATION_FILE_BYTES, MAX_LABEL_FILE_BYTES, readTextFile, yoloLabelPath } from './dataset-files';
import { decodeImage } from './image-decode';

export const DatasetImportOptions = z.object({
  format: z.enum(Object.keys(CODECS) as [CodecName, ...CodecName[]]),
  /** labels: the file's answers stand as labels; prelabels: starting points an annotator corrects; reference: hidden known answers (simulation, scoring). */
  as: z.enum(['labels', 'prelabels', 'reference']).default('labels'),
  /** COCO: the folder its file_names are relative to (default: the JSON file's folder). */
  images: z.string().min(1).optional(),
  holdout: z.number().min(0).max(1).default(0.1),
  seed: z.number().int().default(1),
}).strict();
export type DatasetImportOptions = z.input<typeof DatasetImportOptions>;

export interface DatasetImportReport {
  added: number;
  duplicates: number;
  /** Images with an answer (boxes or skeletons, or an explicit "nothing here"). */
  answers: number;
  skippedCrowd: number;
}

const IO_CONCURRENCY = 16;

interface Loaded { image: LabeledImage; hash: string; key: string; mediaType: string }

/**
 * Imports a COCO or YOLO dataset into a box or keypoint project: the images, and the file's
 * answers as labels, prelabels or hidden references. Every problem of the file (a box outside
 * its image, an unknown category, a wrong keypoint count, a missing or unreadable image, a size
 * unlike the file's) is listed at once and nothing is stored; otherwise all of it commits in
 * one transaction. Re-running adds only images the project lacks.
 */
export async function importDataset(ctx: { db: Db; media: MediaStore }, p: Principal, projectId: number, source: string, options: DatasetImportOptions): Promise<DatasetImportReport> {
  const opts = parseInput(DatasetImportOptions, options, 'import options');
  const { project } = await requireProject(ctx.db, p, projectId, 'project.manage');
  const task = taskOfProject(project);
  if (!codecsOf(task).some((c) => c.name === opts.format)) {
    throw new TandemError('bad_request', `a ${task.task} project cannot import ${opts.format}; it takes ${codecsOf(task).map((c) => c.name).join(', ') || 'a folder or a csv/jsonl manifest (tandem import PROJECT PATH)'}`);
  }
  const src = path.resolve(source);
  const { dataset, root } = opts.format === 'coco' ? await readCoco(src, opts.images) : await readYolo(src);
  const images = decodedOrThrow(fitToProject(dataset, task), `${path.basename(src)} does not fit project ${project.slug}`);

  const issues: ImportIssue[] = [];
  const loaded = await mapLimit(images, IO_CONCURRENCY, async (image): Promise<Loaded | null> => {
    const file = path.join(root, image.fileName);
    const bytes = await fs.readFile(file).catch(() => null);
    if (!bytes) return void issues.push({ where: `image "${image.fileName}"`, message: `not found at ${file}` }), null;
    let info: ReturnType<typeof decodeImage>;
    try {
      info = decodeImage(bytes);
    } catch (e) {
      return void issues.push({ where: `image "${image.fileName}"`, message: (e as Error).message }), null;
    }
    if (info.width !== image.width || info.height !== image.height) {
      return void issues.push({ where: `image "${image.fileName}"`, message: `is ${info.width}×${info.height} but the file says ${image.width}×${image.height}` }), null;
    }
    const { key, hash } = await ctx.media.put(bytes, info.format.ext);
    return { image, key, hash, mediaType: info.format.mediaType };
  });
  decodedOrThrow(issues.length ? { ok: false, issues } : { ok: true, value: null }, `${path.basename(src)}: images`);

  const seen = new Set<string>();
  const rows: ItemWithAnswer[] = [];
  let duplicates = 0;
  for (const l of loaded as Loaded[]) {
    if (seen.has(l.hash)) { duplicates++; continue; }
    seen.add(l.hash);
    const answer = encodeAnswer(l.image.answer);
    const group = l.image.fileName;
    rows.push({
      item: {
        projectId, media: l.key, mediaType: l.mediaType, contentHash: l.hash, sourceName: l.image.fileName, groupKey: group,
        split: splitForGroup(group, opts.holdout, opts.seed), dealKey: hashUnit(l.hash, opts.seed), width: l.image.width, height: l.image.height,
        status: opts.as === 'labels' ? 'resolved' : 'open', referenceAnswer: opts.as === 'reference' ? answer : null,
      },
      label: opts.as === 'labels' ? answer : undefined,
      prelabel: opts.as === 'prelabels' ? answer : undefined,
    });
  }
  const added = await ctx.db.transaction((tx) => insertItemsWithAnswers(tx, rows));
  if (added > 0) await refreshPlannerStatistics(ctx.db);
  const report = { added, duplicates: duplicates + rows.length - added, answers: rows.length, skippedCrowd: dataset.skipped.crowd };
  await recordImport(ctx.db, { projectId, source: src, added: report.added, duplicates: report.duplicates, failed: [] });
  return report;
}

async function readCoco(file: string, images: string | undefined): Promise<{ dataset: Dataset; root: string }> {
  const text = await readTextFile(file, MAX_ANNOTATION_FILE_BYTES);
  const dataset = decodedOrThrow(CODECS.coco.decode(text, path.basename(file)), `${path.basename(file)} is not a COCO file Tandem can import`);
  return { dataset, root: images ? path.resolve(images) : path.dirname(file) };
}

/** A YOLO dataset folder (or its data.yaml): the images under it, each with its label file when there is one. */
async function readYolo(src: string): Promise<{ dataset: Dataset; root: string }> {
  const st = await fs.stat(src).catch(() => null);
  if (!st) throw new TandemError('not_found', `nothing at ${src} — give a YOLO dataset folder holding data.yaml`);
  const root = st.isDirectory() ? src : path.dirname(src);
  const yamlFile = st.isDirectory() ? path.join(root, 'data.yaml') : src;
  const dataYaml = { file: path.basename(yamlFile), text: await readTextFile(yamlFile, MAX_LABEL_FILE_BYTES) };
  const names = await listImages(root);
  if (names.length === 0) throw new TandemError('bad_request', `no .png or .jpg images under ${root}`);
  const issues: ImportIssue[] = [];
  const labels = await mapLimit(names, IO_CONCURRENCY, async (image) => {
    const bytes = await fs.readFile(path.join(root, image));
    let size = { width: 0, height: 0 };
    try {
      size = decodeImage(bytes);
    } catch (e) {
      issues.push({ where: `image "${image}"`, message: (e as Error).message });
    }
    const file = yoloLabelPath(image);
    const text = await readTextFile(path.join(root, file), MAX_LABEL_FILE_BYTES).catch((e: unknown) => {
      if ((e as TandemError).code === 'not_found') return null;
      throw e;
    });
    return { image, width: size.width, height: size.height, file, text };
  });
  decodedOrThrow(issues.length ? { ok: false, issues } : { ok: true, value: null }, `${path.basename(root)}: images`);
  return { dataset: decodedOrThrow(CODECS.yolo.decode({ dataYaml, labels }), `${path.basename(root)} is not a YOLO dataset Tandem can import`), root };
}
