'use client';

import { unzipSync } from 'fflate';
import { parseManifest } from '@/lib/import/manifest';
import { checkZipDirectory, commonRoot, isManifestName, isZipName, normalisePath, planUpload, UPLOAD_LIMITS, type UploadFailure, type UploadPlan } from '@/lib/import/upload';
import { IMAGE_NAME } from '@/lib/import/images';
import type { ProjectTask } from '@/lib/tasks';
import { codecsOf, decodeCoco } from '@/lib/tasks/codecs';
import { fitToProject } from '@/lib/tasks/codecs/fit';
import { planYolo } from './yolo';

/** A file as dropped: its path below what was dropped, and its bytes (a File, or a Blob unpacked from a .zip). */
export interface CollectedFile {
  path: string;
  size: number;
  data: Blob;
}

/** What a drop or a pick holds, taken while the event lasts (a drop's items are gone after it). */
export type Dropped = { entries: FileSystemEntry[] } | { files: File[] };

export function droppedOf(items: DataTransferItemList | null, files: FileList | null): Dropped {
  const entries = items ? [...items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e) : [];
  return entries.length ? { entries } : { files: [...(files ?? [])] };
}

/** What the page calls an upload: the folder or file dropped, and how many more came with it. */
export function titleOf(d: Dropped): string {
  const names = 'entries' in d ? d.entries.map((e) => e.name) : d.files.map((f) => f.webkitRelativePath.split('/')[0] || f.name);
  const distinct = [...new Set(names)];
  return distinct.length > 1 ? `${distinct[0]} and ${distinct.length - 1} more` : distinct[0] ?? 'upload';
}

/** Everything one drop (or one pick) turned into: the plan to send, and what was refused before sending. */
export async function collectDrop(d: Dropped, task: ProjectTask): Promise<UploadPlan<CollectedFile>> {
  const raw: CollectedFile[] = [];
  if ('entries' in d) {
    for (const e of d.entries) await walk(e, raw);
  } else {
    for (const f of d.files) raw.push({ path: normalisePath(f.webkitRelativePath || f.name), size: f.size, data: f });
  }
  return planCollected(raw, task);
}

/** Zips unpacked, one manifest or COCO file read, then the plan (lib/import/upload.ts). */
export async function planCollected(raw: CollectedFile[], task: ProjectTask): Promise<UploadPlan<CollectedFile>> {
  const takesCoco = codecsOf(task).some((c) => c.name === 'coco');
  const takesYolo = codecsOf(task).some((c) => c.name === 'yolo');
  const failed: UploadFailure[] = [];
  const files: CollectedFile[] = [];
  const manifests: CollectedFile[] = [];
  const cocos: CollectedFile[] = [];
  const yamls: CollectedFile[] = [];
  for (const f of raw) {
    if (isZipName(f.path)) {
      const r = await unpackZip(f);
      if ('reason' in r) failed.push({ file: f.path, reason: r.reason });
      else {
        files.push(...r.files);
        failed.push(...r.failed);
      }
    } else if (isManifestName(f.path)) manifests.push(f);
    else if (/\.json$/i.test(f.path)) (takesCoco ? cocos : manifests).push(f);
    else if (/(^|\/)data\.ya?ml$/i.test(f.path) && takesYolo) yamls.push(f);
    else files.push(f);
  }
  if (yamls.length > 1) {
    return { entries: [], classFolders: [], failed: [...failed, ...yamls.map((y) => ({ file: y.path, reason: 'drop one YOLO dataset (one data.yaml) at a time' }))] };
  }
  if (yamls.length === 1 && (cocos.length || manifests.length)) {
    return { entries: [], classFolders: [], failed: [...failed, ...[...yamls, ...cocos, ...manifests].map((m) => ({ file: m.path, reason: 'drop a YOLO dataset, a COCO file or a manifest, one at a time' }))] };
  }
  // A YOLO dataset folder: its label files are read with its data.yaml, not sent.
  if (yamls.length === 1) return planYolo(yamls[0], files, task, failed);
  if (cocos.length > 1 || (cocos.length && manifests.length)) {
    return { entries: [], classFolders: [], failed: [...failed, ...[...cocos, ...manifests].map((m) => ({ file: m.path, reason: 'drop one COCO file or one manifest at a time, with the images it names' }))] };
  }
  if (cocos.length === 1) {
    const c = cocos[0];
    if (c.size > UPLOAD_LIMITS.manifestBytes * 8) return { entries: [], classFolders: [], failed: [...failed, { file: c.path, reason: `a COCO file may be at most ${(UPLOAD_LIMITS.manifestBytes * 8) >> 20} MiB here; larger ones go through \`npx tandem import\`` }] };
    const name = c.path.split('/').pop() ?? c.path;
    // The same codec and fit as `tandem import --format coco`: every problem listed, nothing sent when there is one.
    const decoded = decodeCoco(await c.data.text(), name);
    const fitted = decoded.ok ? fitToProject(decoded.value, task) : decoded;
    if (!fitted.ok) return { entries: [], classFolders: [], failed: [...failed, ...fitted.issues.map((i) => ({ file: i.where, reason: i.message }))] };
    const plan = planUpload(files, undefined, { path: c.path, images: fitted.value });
    return { ...plan, failed: [...failed, ...plan.failed] };
  }
  if (manifests.length > 1) {
    return { entries: [], classFolders: [], failed: [...failed, ...manifests.map((m) => ({ file: m.path, reason: 'drop one manifest at a time, with the images it names' }))] };
  }
  let manifest: { path: string; lines: NonNullable<ReturnType<typeof parseManifest>> } | undefined;
  if (manifests.length === 1) {
    const m = manifests[0];
    if (m.size > UPLOAD_LIMITS.manifestBytes) return { entries: [], classFolders: [], failed: [...failed, { file: m.path, reason: `a manifest may be at most ${UPLOAD_LIMITS.manifestBytes >> 20} MiB` }] };
    manifest = { path: m.path, lines: parseManifest(m.path, await m.data.text()) ?? [] };
  }
  const plan = planUpload(files, manifest);
  return { ...plan, failed: [...failed, ...plan.failed] };
}

async function walk(entry: FileSystemEntry, out: CollectedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
    out.push({ path: normalisePath(entry.fullPath || file.name), size: file.size, data: file });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in pages (100 in Chromium) until it answers an empty one.
  for (;;) {
    const page = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
    if (page.length === 0) break;
    for (const e of page) await walk(e, out);
  }
}

/**
 * Unpacks a .zip in the browser: the server never inflates anything a user sent. The directory
 * is checked first (entry count, declared unpacked size: lib/import/upload.ts), and each entry is
 * inflated into a buffer of its declared size, so a zip bomb stops before it fills memory.
 */
async function unpackZip(f: CollectedFile): Promise<{ files: CollectedFile[]; failed: UploadFailure[] } | { reason: string }> {
  if (f.size > UPLOAD_LIMITS.zipBytes) return { reason: checkZipDirectory(f.size, [])! };
  const bytes = new Uint8Array(await f.data.arrayBuffer());
  const directory: { name: string; size: number }[] = [];
  try {
    unzipSync(bytes, { filter: (e) => { directory.push({ name: e.name, size: e.originalSize }); return false; } });
  } catch {
    return { reason: 'not a readable .zip file' };
  }
  const refused = checkZipDirectory(f.size, directory);
  if (refused) return { reason: refused };
  const hidden = (name: string) => name.endsWith('/') || name.split('/').some((s) => s.startsWith('.') || s === '__MACOSX');
  const wanted = (name: string) => !hidden(name) && (IMAGE_NAME.test(name) || isManifestName(name) || /\.json$/i.test(name));
  let unpacked: Record<string, Uint8Array>;
  try {
    unpacked = unzipSync(bytes, { filter: (e) => wanted(e.name) });
  } catch (e) {
    return { reason: `the .zip is damaged (${(e as Error).message})` };
  }
  // A zip of one folder keeps that folder's name; loose entries go under the zip's own name.
  const names = Object.keys(unpacked);
  const prefix = commonRoot(names) ? '' : `${f.path.replace(/\.zip$/i, '')}/`;
  const others = directory.filter((d) => !hidden(d.name) && !wanted(d.name))
    .map((d) => ({ file: `${f.path}: ${d.name}`, reason: 'not a .png, .jpg or .jpeg file' }));
  return {
    files: names.map((name) => ({ path: normalisePath(prefix + name), size: unpacked[name].byteLength, data: new Blob([unpacked[name] as BlobPart]) })),
    failed: others,
  };
}
