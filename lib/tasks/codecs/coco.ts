import { z } from 'zod';
import { TandemError } from '../../errors';
import type { Box } from '../boxes';
import { area, boundsOf } from '../geometry';
import { taskType, type ProjectTask } from '../index';
import type { Keypoint, SkeletonInstance } from '../keypoints';
import { Skeleton } from '../skeletons';
import type { AnswerIssue } from '../types';
import { skeletonFromNames } from './skeleton-of';
import type { Dataset, Decoded, ImportIssue, LabeledImage, SpatialAnswer } from './types';

/**
 * COCO JSON: instances (boxes) and person keypoints (skeletons), both ways.
 *
 * - A file whose category lists `keypoints` is a keypoint project: exactly one such category,
 *   its skeleton taken from it (names, the 1-based `skeleton` made 0-based, flips inferred from
 *   left/right names, COCO17's sigmas by name, else skeleton-of.ts DEFAULT_SIGMA). Otherwise
 *   it is a boxes project whose classes are the category names in file order.
 * - Crowd annotations (`iscrowd: 1`) are skipped and counted: Tandem has no crowd regions.
 * - An absent keypoint (v = 0) is stored at (0, 0), as COCO writes it, whatever the file says.
 * - Tandem's own fields ride along where COCO has no place: a category's `tandem_skeleton`
 *   (sigmas, flips, colours) and an annotation's `tandem_derived_bbox` (the skeleton had no box;
 *   COCO tools need one, so the points' bounds are written and dropped again on import).
 */

const Id = z.number().int();
const Num = z.number().refine(Number.isFinite, 'must be a finite number');

const CocoImage = z.looseObject({ id: Id, file_name: z.string().min(1), width: z.number().int().positive(), height: z.number().int().positive() });
const CocoCategory = z.looseObject({
  id: Id,
  name: z.string().min(1),
  supercategory: z.string().optional(),
  keypoints: z.array(z.string()).optional(),
  skeleton: z.array(z.tuple([Id, Id])).optional(),
  tandem_skeleton: z.looseObject({}).optional(),
});
const CocoAnnotation = z.looseObject({
  id: Id,
  image_id: Id,
  category_id: Id,
  bbox: z.tuple([Num, Num, Num, Num]).optional(),
  keypoints: z.array(Num).optional(),
  iscrowd: z.union([z.literal(0), z.literal(1)]).optional(),
  tandem_derived_bbox: z.boolean().optional(),
});
const CocoFile = z.looseObject({
  images: z.array(CocoImage),
  annotations: z.array(CocoAnnotation),
  categories: z.array(CocoCategory).min(1, 'must list at least one category'),
});
type CocoFile = z.infer<typeof CocoFile>;
type CocoCategory = z.infer<typeof CocoCategory>;

/** A COCO file as Tandem writes it. */
export interface CocoJson {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: {
    id: number; image_id: number; category_id: number; bbox: [number, number, number, number]; area: number; iscrowd: 0;
    keypoints?: number[]; num_keypoints?: number; tandem_derived_bbox?: true;
  }[];
  categories: {
    id: number; name: string; supercategory: string; keypoints?: string[]; skeleton?: [number, number][];
    tandem_skeleton?: { sigmas: number[]; flips: [number, number][]; colors?: string[] };
  }[];
}

const pathOf = (path: PropertyKey[]) => path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');

/**
 * Decodes a COCO JSON file (its text, or the parsed object). `file` names it in every issue.
 * Every problem is returned at once; an answer is produced for every image (none annotated: an
 * empty answer, which COCO means as "nothing here").
 */
export function decodeCoco(input: string | unknown, file = 'coco.json'): Decoded<Dataset> {
  let raw = input;
  if (typeof input === 'string') {
    try { raw = JSON.parse(input); } catch (e) { return fail(file, `is not JSON: ${(e as Error).message}`); }
  }
  const parsed = CocoFile.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ where: `${file}: ${pathOf(i.path) || '(top level)'}`, message: i.message })) };
  }
  const coco = parsed.data;
  const issues: ImportIssue[] = [];
  const at = (where: string, message: string) => issues.push({ where: `${file}: ${where}`, message });

  const images = new Map<number, CocoFile['images'][number]>();
  const fileNames = new Set<string>();
  for (const img of coco.images) {
    if (images.has(img.id)) at(`image id ${img.id}`, 'is listed twice');
    if (fileNames.has(img.file_name)) at(`image id ${img.id}`, `file_name "${img.file_name}" is listed twice`);
    if (!images.has(img.id)) images.set(img.id, img);
    fileNames.add(img.file_name);
  }
  const annotationIds = new Set<number>();
  for (const ann of coco.annotations) {
    if (annotationIds.has(ann.id)) at(`annotation id ${ann.id}`, 'is listed twice');
    annotationIds.add(ann.id);
  }
  const categories = new Map<number, CocoCategory>();
  for (const c of coco.categories) {
    if (categories.has(c.id)) at(`category id ${c.id}`, 'is listed twice');
    categories.set(c.id, c);
  }

  const task = taskOf(coco.categories, at);
  if (!task) return { ok: false, issues };
  const entry = taskType(task.task);
  const instances = new Map<number, unknown[]>([...images.keys()].map((id) => [id, []]));
  let crowd = 0;

  for (const ann of coco.annotations) {
    const where = `annotation id ${ann.id}`;
    const img = images.get(ann.image_id);
    const cat = categories.get(ann.category_id);
    if (!img) at(where, `image_id ${ann.image_id} is not among the file's images`);
    if (!cat) at(where, `category_id ${ann.category_id} is not among the file's categories (${coco.categories.map((c) => c.id).join(', ')})`);
    if (!img || !cat) continue;
    if (ann.iscrowd === 1) { crowd += 1; continue; }
    const item = task.task === 'boxes' ? boxOf(ann, cat, at, where) : skeletonOf(ann, cat, task.config.skeleton.keypoints.length, at, where);
    if (!item) continue;
    const payload = task.task === 'boxes' ? { boxes: [item] } : { instances: [item] };
    const shape = entry.payload.safeParse(payload);
    if (!shape.success) {
      for (const i of shape.error.issues) at(where, `${pathOf(i.path.slice(2)) || 'value'} ${i.message}`);
      continue;
    }
    const found: AnswerIssue[] = entry.check(shape.data, task.config, img);
    if (found.length) { for (const i of found) { const field = pathOf(i.path.slice(2)); at(`${where} (image "${img.file_name}")`, field ? `${field}: ${i.message}` : i.message); } continue; }
    instances.get(img.id)!.push(item);
  }
  if (issues.length) return { ok: false, issues };

  const labeled: LabeledImage[] = coco.images.map((img) => ({
    fileName: img.file_name,
    width: img.width,
    height: img.height,
    answer: (task.task === 'boxes'
      ? { task: 'boxes', boxes: instances.get(img.id) }
      : { task: 'keypoints', instances: instances.get(img.id) }) as SpatialAnswer,
  }));
  return { ok: true, value: { task, images: labeled, skipped: { crowd } } };
}

function fail(file: string, message: string): Decoded<never> {
  return { ok: false, issues: [{ where: file, message }] };
}

function taskOf(categories: CocoCategory[], at: (where: string, message: string) => void): Dataset['task'] | null {
  const withPoints = categories.filter((c) => c.keypoints && c.keypoints.length > 0);
  if (withPoints.length === 0) {
    const names = categories.map((c) => c.name);
    const twice = names.filter((n, i) => names.indexOf(n) !== i);
    if (twice.length) { at('categories', `name the class "${twice[0]}" twice`); return null; }
    return { task: 'boxes', config: { classes: names } };
  }
  if (withPoints.length > 1 || categories.length > 1) {
    at('categories', `a keypoint project has one category with one skeleton; the file has ${categories.length} categories (${categories.map((c) => c.name).join(', ')})`);
    return null;
  }
  const cat = withPoints[0];
  const names = cat.keypoints!;
  const inferred = skeletonFromNames(names, (cat.skeleton ?? []).map(([a, b]) => [a - 1, b - 1] as [number, number]));
  const ours = (cat.tandem_skeleton ?? {}) as Record<string, unknown>;
  const skeleton = Skeleton.safeParse({ ...inferred, ...pick(ours, ['sigmas', 'flips', 'colors']) });
  if (!skeleton.success) {
    for (const i of skeleton.error.issues) {
      const field = i.path[0] === 'edges' ? `skeleton (1-based) ${pathOf(i.path.slice(1))}` : pathOf(i.path);
      at(`category id ${cat.id} "${cat.name}"`, `${field}: ${i.message}`);
    }
    return null;
  }
  return { task: 'keypoints', config: { category: cat.name, skeleton: skeleton.data } };
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

type CocoAnnotation = z.infer<typeof CocoAnnotation>;

function boxOf(ann: CocoAnnotation, cat: CocoCategory, at: (w: string, m: string) => void, where: string): Box | null {
  if (!ann.bbox) { at(where, 'has no bbox'); return null; }
  const [x, y, w, h] = ann.bbox;
  return { class: cat.name, x, y, w, h };
}

function skeletonOf(ann: CocoAnnotation, cat: CocoCategory, n: number, at: (w: string, m: string) => void, where: string): SkeletonInstance | null {
  const names = cat.keypoints ?? [];
  const flat = ann.keypoints ?? [];
  if (flat.length !== 3 * n) {
    at(where, `keypoints holds ${flat.length} numbers; the skeleton's ${n} points need ${3 * n} (x, y, v for each)`);
    return null;
  }
  const points: Keypoint[] = [];
  for (let k = 0; k < n; k++) {
    const [x, y, v] = flat.slice(3 * k, 3 * k + 3);
    if (v !== 0 && v !== 1 && v !== 2) { at(where, `keypoint ${k} (${names[k]}): v is ${v}; must be 0 (absent), 1 (occluded) or 2 (visible)`); return null; }
    points.push(v === 0 ? { x: 0, y: 0, v } : { x, y, v });
  }
  const [x, y, w, h] = ann.bbox ?? [0, 0, 0, 0];
  return ann.bbox && !ann.tandem_derived_bbox ? { points, box: { x, y, w, h } } : { points };
}

/**
 * Encodes a boxes or keypoints project's images and answers as one COCO file: image ids 1…n and
 * annotation ids 1…m in the order given, category ids 1…k in the project's class order.
 */
export function encodeCoco(task: ProjectTask, images: readonly LabeledImage[]): CocoJson {
  if (task.task === 'classification') throw new TandemError('bad_request', 'COCO holds boxes and keypoints; export a classification project as csv or jsonl');
  const out: CocoJson = { images: [], annotations: [], categories: [] };
  if (task.task === 'boxes') {
    task.config.classes.forEach((name, i) => out.categories.push({ id: i + 1, name, supercategory: name }));
  } else {
    const s = task.config.skeleton;
    out.categories.push({
      id: 1,
      name: task.config.category,
      supercategory: task.config.category,
      keypoints: s.keypoints,
      skeleton: s.edges.map(([a, b]) => [a + 1, b + 1]),
      tandem_skeleton: { sigmas: s.sigmas, flips: s.flips, ...(s.colors ? { colors: s.colors } : {}) },
    });
  }
  const categoryId = new Map(out.categories.map((c) => [c.name, c.id]));
  images.forEach((img, i) => {
    const imageId = i + 1;
    out.images.push({ id: imageId, file_name: img.fileName, width: img.width, height: img.height });
    const answer = img.answer;
    if (answer.task !== task.task) throw new TandemError('bad_request', `image "${img.fileName}" has a ${answer.task} answer in a ${task.task} project`);
    if (answer.task === 'boxes') {
      for (const b of answer.boxes) {
        const id = categoryId.get(b.class);
        if (id === undefined) throw new TandemError('bad_request', `image "${img.fileName}": box class "${b.class}" is not a class of the project`);
        out.annotations.push({ id: out.annotations.length + 1, image_id: imageId, category_id: id, bbox: [b.x, b.y, b.w, b.h], area: b.w * b.h, iscrowd: 0 });
      }
    } else {
      for (const inst of answer.instances) {
        const labeled = inst.points.filter((p) => p.v > 0);
        const box = inst.box ?? boundsOf(labeled) ?? { x: 0, y: 0, w: 0, h: 0 };
        out.annotations.push({
          id: out.annotations.length + 1,
          image_id: imageId,
          category_id: 1,
          bbox: [box.x, box.y, box.w, box.h],
          area: area(box),
          iscrowd: 0,
          keypoints: inst.points.flatMap((p) => (p.v === 0 ? [0, 0, 0] : [p.x, p.y, p.v])),
          num_keypoints: labeled.length,
          ...(inst.box ? {} : { tandem_derived_bbox: true as const }),
        });
      }
    }
  });
  return out;
}
