import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { TandemError } from '../../errors';
import { boundsOf, type Rect } from '../geometry';
import { taskType, type ProjectTask } from '../index';
import type { Keypoint, SkeletonInstance } from '../keypoints';
import { COCO17, flipPermutation, Skeleton } from '../skeletons';
import { genericPointNames, skeletonFromNames } from './skeleton-of';
import type { Dataset, Decoded, ImportIssue, LabeledImage, SpatialAnswer } from './types';

/**
 * YOLO (Ultralytics) detect and pose labels, both ways: one text file per image, one object per
 * line, coordinates normalised by the image's width and height, and a data.yaml naming the
 * classes (`names`) and, for pose, the points (`kpt_shape: [n, 2 or 3]`, `flip_idx`).
 *
 *   detect: `class cx cy w h`
 *   pose:   `class cx cy w h x1 y1 v1 … xn yn vn` (or `x1 y1 …` when kpt_shape is [n, 2]:
 *           a point at (0, 0) is then absent, any other visible)
 *
 * Pixels come back through the image sizes the caller gives, so a round trip is exact to the
 * 6 decimals written: within 0.5e-6 × the image's side, a thousandth of a pixel up to 2000 px.
 * The skeleton comes from `tandem_skeleton` when Tandem wrote the file, else from Ultralytics'
 * `kpt_names` (or COCO17 for 17 unnamed points, else point_1 … point_n with no edges), with
 * flips from `flip_idx` and sigmas by name (skeleton-of.ts).
 */

/** What the caller read for one image: its size, and its label file's text (null: no file, nothing there). */
export interface YoloLabelFile {
  /** The image's path as the dataset names it (images/train/a.jpg or a.jpg). */
  image: string;
  width: number;
  height: number;
  /** The label file's path, used in issues. */
  file: string;
  text: string | null;
}

export interface YoloInput {
  dataYaml: { file: string; text: string };
  labels: readonly YoloLabelFile[];
}

export interface YoloFiles {
  dataYaml: string;
  /** One per image, empty for an image with nothing on it (YOLO's background image). */
  labels: { image: string; file: string; text: string }[];
}

const NameList = z.union([
  z.array(z.string().min(1)),
  z.record(z.string().regex(/^\d+$/, 'keys must be class indices 0, 1, …'), z.string().min(1)),
]);
const DataYaml = z.looseObject({
  names: NameList,
  nc: z.number().int().positive().optional(),
  kpt_shape: z.tuple([z.number().int().positive(), z.union([z.literal(2), z.literal(3)])]).optional(),
  flip_idx: z.array(z.number().int().nonnegative()).optional(),
  kpt_names: z.union([z.array(z.string()), z.record(z.string(), z.array(z.string()))]).optional(),
  tandem_skeleton: z.unknown().optional(),
});
type DataYaml = z.infer<typeof DataYaml>;

function listOf(names: z.infer<typeof NameList>): string[] | string {
  if (Array.isArray(names)) return names;
  const keys = Object.keys(names).map(Number).sort((a, b) => a - b);
  if (keys.some((k, i) => k !== i)) return `names must be indexed 0 … ${keys.length - 1} without gaps`;
  return keys.map((k) => names[String(k)]);
}

/** Reads data.yaml into the project's task config; issues name data.yaml and the field. */
function taskOfYaml(file: string, text: string, issues: ImportIssue[]): { task: Dataset['task']; dims: 2 | 3 } | null {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    const line = e instanceof YAMLParseError && e.linePos ? `:${e.linePos[0].line}` : '';
    issues.push({ where: `${file}${line}`, message: `is not YAML: ${(e as Error).message.split('\n')[0]}` });
    return null;
  }
  const parsed = DataYaml.safeParse(raw);
  if (!parsed.success) {
    for (const i of parsed.error.issues) issues.push({ where: `${file}: ${i.path.join('.') || '(top level)'}`, message: i.message });
    return null;
  }
  const data = parsed.data;
  const classes = listOf(data.names);
  if (typeof classes === 'string') { issues.push({ where: `${file}: names`, message: classes }); return null; }
  if (data.nc !== undefined && data.nc !== classes.length) {
    issues.push({ where: `${file}: nc`, message: `is ${data.nc} but names lists ${classes.length} classes` });
    return null;
  }
  if (!data.kpt_shape) {
    if (new Set(classes).size !== classes.length) { issues.push({ where: `${file}: names`, message: 'names a class twice' }); return null; }
    return { task: { task: 'boxes', config: { classes } }, dims: 3 };
  }
  if (classes.length !== 1) {
    issues.push({ where: `${file}: names`, message: `a keypoint project has one category with one skeleton; names lists ${classes.length} (${classes.join(', ')})` });
    return null;
  }
  const [n, dims] = data.kpt_shape;
  const skeleton = skeletonOfYaml(data, n, file, issues);
  if (skeleton === null) return null;
  const checked = Skeleton.safeParse(skeleton);
  if (!checked.success) {
    for (const i of checked.error.issues) issues.push({ where: `${file}: ${i.path[0] === 'flips' ? 'flip_idx' : `skeleton ${i.path.join('.')}`}`, message: i.message });
    return null;
  }
  if (checked.data.keypoints.length !== n) {
    issues.push({ where: `${file}: kpt_shape`, message: `says ${n} points but the skeleton names ${checked.data.keypoints.length}` });
    return null;
  }
  return { task: { task: 'keypoints', config: { category: classes[0], skeleton: checked.data } }, dims };
}

/** The skeleton data.yaml implies (checked by the caller), or null with the flip_idx problem listed. */
function skeletonOfYaml(data: DataYaml, n: number, file: string, issues: ImportIssue[]): unknown {
  if (data.tandem_skeleton !== undefined) return data.tandem_skeleton;
  const named = data.kpt_names === undefined ? undefined : Array.isArray(data.kpt_names) ? data.kpt_names : Object.values(data.kpt_names)[0];
  const base = named ? skeletonFromNames(named, [])
    : n === COCO17.keypoints.length ? COCO17
    : skeletonFromNames(genericPointNames(n), []);
  if (!data.flip_idx) return base;
  const to = data.flip_idx;
  if (to.length !== n || to.some((j, i) => j >= n || to[j] !== i)) {
    issues.push({ where: `${file}: flip_idx`, message: `must send each of the ${n} points to itself or to a partner that is sent back (a list of ${n} indices), got [${to.join(', ')}]` });
    return null;
  }
  return { ...base, flips: to.flatMap((j, i) => (i < j ? [[i, j] as [number, number]] : [])) };
}

/**
 * Decodes a YOLO detect or pose dataset: data.yaml and the label text of each image (the caller
 * read them). Every problem is returned at once, by file and line.
 */
export function decodeYolo(input: YoloInput): Decoded<Dataset> {
  const issues: ImportIssue[] = [];
  const head = taskOfYaml(input.dataYaml.file, input.dataYaml.text, issues);
  if (!head) return { ok: false, issues };
  const { task, dims } = head;
  const entry = taskType(task.task);
  const classes = task.task === 'boxes' ? task.config.classes : [task.config.category];
  const n = task.task === 'keypoints' ? task.config.skeleton.keypoints.length : 0;
  const width = 5 + n * dims;
  const images: LabeledImage[] = [];

  for (const label of input.labels) {
    if (!(Number.isInteger(label.width) && label.width > 0 && Number.isInteger(label.height) && label.height > 0)) {
      issues.push({ where: label.image, message: `has no usable size (${label.width}×${label.height}); YOLO's coordinates need it` });
      continue;
    }
    const items: unknown[] = [];
    (label.text ?? '').split(/\r?\n/).forEach((line, i) => {
      const where = `${label.file}:${i + 1}`;
      const tokens = line.trim().split(/\s+/).filter(Boolean);
      if (tokens.length === 0) return;
      if (tokens.length !== width) {
        const want = task.task === 'boxes' ? '5 (class cx cy w h)' : `${width} (class cx cy w h and ${n} points × ${dims})`;
        const hint = task.task === 'boxes' && tokens.length > 5 && tokens.length % 2 === 1 ? '; a segmentation polygon? Tandem imports boxes' : '';
        issues.push({ where, message: `has ${tokens.length} values, expected ${want}${hint}` });
        return;
      }
      const nums = tokens.map(Number);
      const bad = nums.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) { issues.push({ where, message: `value ${bad + 1} "${tokens[bad]}" is not a number` }); return; }
      const cls = nums[0];
      if (!Number.isInteger(cls) || cls < 0 || cls >= classes.length) {
        issues.push({ where, message: `class ${tokens[0]} is not among data.yaml's names (0 … ${classes.length - 1})` });
        return;
      }
      const [cx, cy, w, h] = nums.slice(1, 5);
      const box = { x: (cx - w / 2) * label.width, y: (cy - h / 2) * label.height, w: w * label.width, h: h * label.height };
      if (task.task === 'boxes') { items.push({ class: classes[cls], ...box }); return; }
      const points: Keypoint[] = [];
      for (let k = 0; k < n; k++) {
        const [px, py, pv] = nums.slice(5 + k * dims, 5 + (k + 1) * dims);
        const v = dims === 3 ? pv : px === 0 && py === 0 ? 0 : 2;
        if (v !== 0 && v !== 1 && v !== 2) { issues.push({ where, message: `point ${k + 1} (${task.config.skeleton.keypoints[k]}): v is ${v}; must be 0, 1 or 2` }); return; }
        points.push(v === 0 ? { x: 0, y: 0, v } : { x: px * label.width, y: py * label.height, v });
      }
      items.push({ points, box } satisfies SkeletonInstance);
    });
    // The line of each item, for issues the task type finds (a box outside the image).
    const lines = (label.text ?? '').split(/\r?\n/).map((l, i) => [l.trim(), i + 1] as const).filter(([l]) => l).map(([, n]) => n);
    if (items.length !== lines.length) continue; // this file's own issues are already listed
    const payload = task.task === 'boxes' ? { boxes: items } : { instances: items };
    const shape = entry.payload.safeParse(payload);
    if (!shape.success) {
      for (const i of shape.error.issues) issues.push({ where: `${label.file}:${lines[Number(i.path[1])] ?? '?'}`, message: `${i.path.slice(2).join('.') || 'line'} ${i.message}` });
      continue;
    }
    const found = entry.check(shape.data, task.config, label);
    for (const i of found) issues.push({ where: `${label.file}:${lines[Number(i.path[1])] ?? '?'}`, message: i.message });
    if (found.length) continue;
    images.push({ fileName: label.image, width: label.width, height: label.height, answer: { task: task.task, ...shape.data } as SpatialAnswer });
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, value: { task, images, skipped: { crowd: 0 } } };
}

/** The label file YOLO looks for beside an image path: the extension replaced by .txt. */
/**
 * Where Ultralytics keeps an image's label file: the same path with the last `images` folder
 * named `labels` and a .txt extension; a dataset without that layout keeps it beside the image.
 */
export function yoloLabelPath(image: string): string {
  const parts = image.split('/');
  const at = parts.lastIndexOf('images');
  if (at >= 0 && at < parts.length - 1) parts[at] = 'labels';
  return parts.join('/').replace(/\.[^./]*$/, '') + '.txt';
}

export function yoloLabelFileOf(image: string): string {
  return image.replace(/\.[^./\\]*$/, '') + '.txt';
}

const DECIMALS = 6;
const fmt = (v: number) => {
  const s = v.toFixed(DECIMALS).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
};

/**
 * Encodes a boxes or keypoints project as YOLO: data.yaml and one label text per image. A
 * skeleton with no box gets its labeled points' bounds, since every YOLO line needs a box.
 */
export function encodeYolo(task: ProjectTask, images: readonly LabeledImage[]): YoloFiles {
  if (task.task === 'classification') throw new TandemError('bad_request', 'YOLO labels hold boxes and keypoints; export a classification project as csv or jsonl');
  const classes = task.task === 'boxes' ? task.config.classes : [task.config.category];
  const index = new Map(classes.map((c, i) => [c, i]));
  const labels = images.map((img) => {
    const answer = img.answer;
    if (answer.task !== task.task) throw new TandemError('bad_request', `image "${img.fileName}" has a ${answer.task} answer in a ${task.task} project`);
    const boxLine = (r: Rect) => [(r.x + r.w / 2) / img.width, (r.y + r.h / 2) / img.height, r.w / img.width, r.h / img.height].map(fmt).join(' ');
    const lines = answer.task === 'boxes'
      ? answer.boxes.map((b) => {
        const c = index.get(b.class);
        if (c === undefined) throw new TandemError('bad_request', `image "${img.fileName}": box class "${b.class}" is not a class of the project`);
        return `${c} ${boxLine(b)}`;
      })
      : answer.instances.map((inst) => {
        const box = inst.box ?? boundsOf(inst.points.filter((p) => p.v > 0)) ?? { x: 0, y: 0, w: 0, h: 0 };
        const points = inst.points.map((p) => (p.v === 0 ? '0 0 0' : `${fmt(p.x / img.width)} ${fmt(p.y / img.height)} ${p.v}`));
        return [`0 ${boxLine(box)}`, ...points].join(' ');
      });
    return { image: img.fileName, file: yoloLabelFileOf(img.fileName), text: lines.length ? `${lines.join('\n')}\n` : '' };
  });
  return { dataYaml: dataYamlOf(task), labels };
}

function dataYamlOf(task: Exclude<ProjectTask, { task: 'classification' }>): string {
  // JSON is YAML: names and lists are written as JSON so no name needs YAML quoting rules.
  const j = JSON.stringify;
  const classes = task.task === 'boxes' ? task.config.classes : [task.config.category];
  const lines = [
    '# Written by Tandem. Labels: one .txt per image, `class cx cy w h` (pose: then x y v per point), normalised to [0, 1].',
    'path: .',
    'train: images',
    'val: images',
    `nc: ${classes.length}`,
    `names: ${j(classes)}`,
  ];
  if (task.task === 'keypoints') {
    const s = task.config.skeleton;
    lines.push(
      `kpt_shape: [${s.keypoints.length}, 3]`,
      `flip_idx: ${j(flipPermutation(s))}`,
      `kpt_names:\n  0: ${j(s.keypoints)}`,
      '# The whole skeleton (edges, sigmas, colours), which YOLO has no place for; Tandem reads it back.',
      `tandem_skeleton: ${j(s)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
