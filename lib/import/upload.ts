import { z } from 'zod';
import { StoredText } from '../protocol/stored';
import { IMAGE_NAME } from './images';
import type { ManifestRow, ParsedLine } from './manifest';
import type { LabeledImage } from '../tasks/codecs/types';

/**
 * Uploads from the browser, as plain data: the limits (stated on the page, enforced by the
 * server), what one request carries (`UploadMeta` and a file per entry), how a drop becomes
 * entries (a folder per class, loose images, a manifest naming dropped images) and how the
 * entries are cut into requests. The page and the upload bench share this code, so what the
 * bench measures is what the page sends.
 */

const MiB = 1024 * 1024;

export const UPLOAD_LIMITS = {
  /** One image. */
  fileBytes: 32 * MiB,
  /** One request's body: one batch of files with its metadata and multipart framing. */
  requestBytes: 40 * MiB,
  /** What the page packs into one request before starting the next (a lost connection re-sends at most this much). */
  batchBytes: 4 * MiB,
  /** Files in one request. */
  batchFiles: 200,
  /** A .zip, opened in the browser: its size, its entries, and what they unpack to (a zip bomb stops here). */
  zipBytes: 1024 * MiB,
  zipEntries: 100_000,
  zipUnpackedBytes: 2048 * MiB,
  /** A manifest file (.jsonl / .csv). */
  manifestBytes: 16 * MiB,
} as const;

/**
 * What the folder names (or a manifest's labels) mean for the project:
 * annotate: they are answers (the items are labeled); prelabel: starting points an annotator
 * confirms or changes; ignore: the items arrive unlabeled.
 */
export const UPLOAD_LABEL_MODES = ['annotate', 'prelabel', 'ignore'] as const;
export type UploadLabelMode = (typeof UPLOAD_LABEL_MODES)[number];

export const UploadEntry = z.object({
  /** The file's path as dropped (`cats/a.png`): shown in the summary, stored as the item's source name. */
  name: StoredText.trim().min(1, 'a file name is empty').max(1000, 'a file name is longer than 1,000 characters'),
  label: StoredText.trim().min(1).max(200).optional(),
  group: StoredText.trim().min(1).max(1000).optional(),
  split: z.enum(['pool', 'holdout']).optional(),
  /** A COCO file's answer for the image (boxes or a skeleton), checked by the server against the project's task and the image. */
  answer: z.record(z.string(), z.unknown()).optional(),
  /** The image's size as the COCO file states it: an image of another size is refused. */
  width: z.number().int().positive().max(1_000_000).optional(),
  height: z.number().int().positive().max(1_000_000).optional(),
}).strict();
export type UploadEntry = z.infer<typeof UploadEntry>;

/** The `meta` part of an upload request: the n-th entry describes the n-th `file` part. */
export const UploadMeta = z.object({
  labels: z.enum(UPLOAD_LABEL_MODES, { error: `labels must be one of ${UPLOAD_LABEL_MODES.join(', ')}` }).default('ignore'),
  /** Share of groups drawn into the holdout (entries naming a split keep it). */
  holdout: z.number().min(0).max(1).default(0.1),
  files: z.array(UploadEntry).min(1, 'the upload names no files').max(UPLOAD_LIMITS.batchFiles, `at most ${UPLOAD_LIMITS.batchFiles} files per request`),
}).strict();
export type UploadMeta = z.input<typeof UploadMeta>;

export type UploadFailure = { file: string; reason: string };

/** A dropped file before it is read: its path relative to what was dropped, and its size. */
export interface DroppedFile {
  path: string;
  size: number;
}

export interface UploadPlan<F extends DroppedFile> {
  /** Files to send, each with what the server stores of it. */
  entries: { file: F; entry: UploadEntry }[];
  /** Files refused before sending, in plain words. */
  failed: UploadFailure[];
  /** Class names the files come with (folders, a manifest's labels, a COCO file's box classes). */
  classFolders: string[];
  /** Where the files' answers come from, if they have any: the page asks what they are. */
  answersFrom?: 'folders' | 'manifest' | 'coco' | 'yolo';
}

/** A manifest is .jsonl or .csv; a .json is a COCO file where the project takes one, else a manifest too (as `tandem import` reads it). */
const MANIFEST_NAME = /\.(jsonl|csv)$/i;
export const isManifestName = (name: string) => MANIFEST_NAME.test(name);
export const isZipName = (name: string) => /\.zip$/i.test(name);

/** `./a//b.png`, `a\b.png` → `a/b.png`. */
export function normalisePath(p: string): string {
  return p.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.').join('/');
}

/** The folder every path starts with, when they all share one (a dropped folder's own name), else ''. */
export function commonRoot(paths: readonly string[]): string {
  if (paths.length === 0) return '';
  const first = paths[0].split('/');
  if (first.length < 2) return '';
  const root = first[0];
  return paths.every((p) => p.startsWith(`${root}/`)) ? root : '';
}

/**
 * Turns a drop into entries, the way `tandem import` reads a folder: below the dropped folder,
 * a sub-folder is a class and its images are labeled with its name; loose images are unlabeled;
 * anything else is listed with the reason it is not imported. With a manifest, its rows name
 * the images (relative to the manifest's folder) and give their label, group and split.
 */
export function planUpload<F extends DroppedFile>(
  files: readonly F[], manifest?: { path: string; lines: ParsedLine[] }, dataset?: { path: string; images: readonly LabeledImage[] },
): UploadPlan<F> {
  const failed: UploadFailure[] = [];
  const byPath = new Map<string, F>();
  for (const f of files) byPath.set(normalisePath(f.path), f);
  const tooBig = (f: F, name: string) => {
    if (f.size === 0) return void failed.push({ file: name, reason: 'the file is empty' }), true;
    if (f.size > UPLOAD_LIMITS.fileBytes) return void failed.push({ file: name, reason: `larger than ${UPLOAD_LIMITS.fileBytes / MiB} MiB, the most one image may be` }), true;
    return false;
  };
  if (manifest) return planFromManifest(byPath, manifest, failed, tooBig);
  if (dataset) return planFromDataset(byPath, dataset, failed, tooBig);

  const root = commonRoot([...byPath.keys()]);
  const entries: UploadPlan<F>['entries'] = [];
  const classes = new Set<string>();
  for (const [full, f] of [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const rel = root ? full.slice(root.length + 1) : full;
    const parts = rel.split('/');
    if (parts.some((s) => s.startsWith('.'))) continue; // .DS_Store and the like are never data
    if (!IMAGE_NAME.test(rel)) { failed.push({ file: full, reason: 'not a .png, .jpg or .jpeg file' }); continue; }
    if (parts.length > 2) { failed.push({ file: full, reason: 'folders inside a class folder are not imported' }); continue; }
    if (tooBig(f, full)) continue;
    const label = parts.length === 2 ? parts[0] : undefined;
    if (label) classes.add(label);
    entries.push({ file: f, entry: { name: full, ...(label ? { label } : {}) } });
  }
  return { entries, failed, classFolders: [...classes].sort(), ...(classes.size ? { answersFrom: 'folders' as const } : {}) };
}

function planFromManifest<F extends DroppedFile>(
  byPath: Map<string, F>, manifest: { path: string; lines: ParsedLine[] }, failed: UploadFailure[], tooBig: (f: F, name: string) => boolean,
): UploadPlan<F> {
  const mpath = normalisePath(manifest.path);
  const base = mpath.split('/').pop() ?? mpath;
  const dir = mpath.includes('/') ? mpath.slice(0, mpath.lastIndexOf('/')) : '';
  const entries: UploadPlan<F>['entries'] = [];
  const labels = new Set<string>();
  for (const l of manifest.lines) {
    if ('error' in l) { failed.push({ file: `${base}:${l.line}`, reason: l.error }); continue; }
    const row: ManifestRow = l.row;
    const rel = normalisePath(row.image);
    const f = byPath.get(dir ? `${dir}/${rel}` : rel) ?? byPath.get(rel);
    if (!f) { failed.push({ file: row.image, reason: `${base} line ${l.line} names it, but it is not among the dropped files` }); continue; }
    if (tooBig(f, row.image)) continue;
    if (row.label) labels.add(row.label);
    entries.push({ file: f, entry: { name: rel, ...(row.label ? { label: row.label } : {}), ...(row.group ? { group: row.group } : {}), ...(row.split ? { split: row.split } : {}) } });
  }
  return { entries, failed, classFolders: [...labels].sort(), ...(labels.size ? { answersFrom: 'manifest' as const } : {}) };
}

/** A COCO file's images, found among the dropped files by file_name (relative to the file's folder), each with its answer. */
function planFromDataset<F extends DroppedFile>(
  byPath: Map<string, F>, dataset: { path: string; images: readonly LabeledImage[] }, failed: UploadFailure[], tooBig: (f: F, name: string) => boolean,
): UploadPlan<F> {
  const dpath = normalisePath(dataset.path);
  const base = dpath.split('/').pop() ?? dpath;
  const dir = dpath.includes('/') ? dpath.slice(0, dpath.lastIndexOf('/')) : '';
  const entries: UploadPlan<F>['entries'] = [];
  const classes = new Set<string>();
  for (const img of dataset.images) {
    const rel = normalisePath(img.fileName);
    const f = byPath.get(dir ? `${dir}/${rel}` : rel) ?? byPath.get(rel);
    if (!f) { failed.push({ file: img.fileName, reason: `${base} names it, but it is not among the dropped files` }); continue; }
    if (tooBig(f, img.fileName)) continue;
    const a = img.answer;
    for (const c of a.task === 'boxes' ? a.boxes.map((b) => b.class) : []) classes.add(c);
    entries.push({ file: f, entry: { name: rel, answer: a as unknown as Record<string, unknown>, width: img.width, height: img.height } });
  }
  return { entries, failed, classFolders: [...classes].sort(), ...(entries.length ? { answersFrom: 'coco' as const } : {}) };
}

/**
 * Cuts entries into requests of at most `batchBytes` (one larger file goes alone) and
 * `batchFiles` files, in order: each request is one resumable step.
 */
export function planBatches(sizes: readonly number[], limits: { batchBytes: number; batchFiles: number } = UPLOAD_LIMITS): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  let bytes = 0;
  sizes.forEach((size, i) => {
    if (cur.length > 0 && (bytes + size > limits.batchBytes || cur.length >= limits.batchFiles)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(i);
    bytes += size;
  });
  if (cur.length) out.push(cur);
  return out;
}

/** A zip's directory, checked before anything is unpacked: too many entries or too much unpacked data is refused whole. */
export function checkZipDirectory(zipBytes: number, entries: readonly { name: string; size: number }[]): string | null {
  if (zipBytes > UPLOAD_LIMITS.zipBytes) return `the .zip is larger than ${UPLOAD_LIMITS.zipBytes / MiB} MiB; split it, or drop the folder instead`;
  if (entries.length > UPLOAD_LIMITS.zipEntries) return `the .zip holds ${entries.length} entries, more than the ${UPLOAD_LIMITS.zipEntries.toLocaleString('en')} allowed`;
  const total = entries.reduce((s, e) => s + e.size, 0);
  if (total > UPLOAD_LIMITS.zipUnpackedBytes) return `the .zip unpacks to ${Math.ceil(total / MiB)} MiB, more than the ${UPLOAD_LIMITS.zipUnpackedBytes / MiB} MiB allowed`;
  return null;
}

/** What an upload came to, summed over its requests. */
export interface UploadTally {
  added: number;
  duplicates: number;
  failed: UploadFailure[];
}

export function addTally(a: UploadTally, b: UploadTally): UploadTally {
  return { added: a.added + b.added, duplicates: a.duplicates + b.duplicates, failed: [...a.failed, ...b.failed] };
}
