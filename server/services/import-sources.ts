import fs from 'node:fs/promises';
import path from 'node:path';
import { TandemError } from '../../lib/errors';
import { IMAGE_NAME } from '../../lib/import/images';
import { MANIFEST_COLUMNS, parseManifest } from '../../lib/import/manifest';

/** One file an import will read, before it is opened. */
export interface SourceEntry {
  /** Absolute path. */
  file: string;
  /** As reported and stored (items.source_name): relative to the import root, with `/`. */
  name: string;
  label?: string;
  group?: string;
  split?: 'pool' | 'holdout';
}

export type Failure = { file: string; reason: string };

const FIX = 'give a folder of images, a folder per class (<class>/<file>.png), or a .jsonl/.csv manifest';

/**
 * Lists what an import source holds: a manifest file, or a folder whose
 * sub-folders are classes and whose loose images are unlabeled. What cannot
 * be imported is reported by name, never silently left out.
 */
export async function listSource(source: string): Promise<{ entries: SourceEntry[]; failed: Failure[] }> {
  const st = await fs.stat(source).catch(() => null);
  if (!st) throw new TandemError('not_found', `nothing to import at ${source} — ${FIX}`);
  const out = st.isFile() ? await manifestEntries(source) : await folderEntries(source);
  if (out.entries.length === 0 && out.failed.length === 0) throw new TandemError('bad_request', `no images in ${source} — ${FIX}`);
  return out;
}

type Kind = 'file' | 'dir' | 'other';

async function kindOf(dir: string, d: { name: string; isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): Promise<Kind> {
  if (d.isSymbolicLink()) {
    const st = await fs.stat(path.join(dir, d.name)).catch(() => null);
    return st?.isFile() ? 'file' : st?.isDirectory() ? 'dir' : 'other';
  }
  return d.isFile() ? 'file' : d.isDirectory() ? 'dir' : 'other';
}

async function sortedDir(dir: string) {
  const list = await fs.readdir(dir, { withFileTypes: true });
  // Hidden files (.DS_Store, editor swap files) are never data.
  return list.filter((d) => !d.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function folderEntries(root: string): Promise<{ entries: SourceEntry[]; failed: Failure[] }> {
  const entries: SourceEntry[] = [];
  const failed: Failure[] = [];
  const add = (dir: string, fileName: string, label?: string) => {
    const name = path.relative(root, path.join(dir, fileName)).split(path.sep).join('/');
    if (IMAGE_NAME.test(fileName)) entries.push({ file: path.join(dir, fileName), name, label });
    else failed.push({ file: name, reason: 'not a .png, .jpg or .jpeg file' });
  };
  for (const d of await sortedDir(root)) {
    const kind = await kindOf(root, d);
    if (kind === 'file') add(root, d.name);
    if (kind !== 'dir') continue;
    // A folder per class: the folder's name is the label of every image in it.
    const classDir = path.join(root, d.name);
    for (const f of await sortedDir(classDir)) {
      const inner = await kindOf(classDir, f);
      if (inner === 'file') add(classDir, f.name, d.name);
      else if (inner === 'dir') failed.push({ file: `${d.name}/${f.name}/`, reason: 'folders inside a class folder are not imported' });
    }
  }
  return { entries, failed };
}

async function manifestEntries(manifest: string): Promise<{ entries: SourceEntry[]; failed: Failure[] }> {
  const base = path.basename(manifest);
  const lines = parseManifest(base, await fs.readFile(manifest, 'utf8'));
  if (!lines) throw new TandemError('bad_request', `${base} is not a manifest — name it .jsonl or .csv (columns ${MANIFEST_COLUMNS.join(',')})`);
  const dir = path.dirname(manifest);
  const entries: SourceEntry[] = [];
  const failed: Failure[] = [];
  for (const l of lines) {
    if ('error' in l) {
      failed.push({ file: `${base}:${l.line}`, reason: l.error });
      continue;
    }
    const file = path.resolve(dir, l.row.image);
    const rel = path.relative(dir, file);
    // Inside the manifest's folder the name is normalised (./a.png is a.png), as a folder import would store it.
    const name = rel.startsWith('..') || path.isAbsolute(rel) ? l.row.image : rel.split(path.sep).join('/');
    entries.push({ file, name, label: l.row.label, group: l.row.group, split: l.row.split });
  }
  return { entries, failed };
}
