import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { findExistingHashes, insertItemsWithLabels, recordImport, type NewItem } from '../../db/queries/items';
import { describeZodError, TandemError } from '../../lib/errors';
import { splitForGroup } from '../../lib/holdout';
import { IMAGE_NAME } from '../../lib/import/images';
import { parseCsvManifest, parseJsonl, type ParsedLine } from '../../lib/import/manifest';
import { hashUnit } from '../../lib/random';
import { sha256, type MediaStore } from '../media';
import { requireProject, type Principal } from './access';
import { decodeImage } from './image-decode';

export const ImportOptions = z.object({
  holdout: z.number().min(0).max(1).default(0.1),
  seed: z.number().int().default(1),
  /** annotate: imported labels become labels; reference: kept as the known answer only; ignore. */
  labels: z.enum(['annotate', 'reference', 'ignore']).default('annotate'),
}).strict();
export type ImportOptions = z.input<typeof ImportOptions>;

export interface ImportReport {
  added: number;
  duplicates: number;
  failed: { file: string; reason: string }[];
}

interface Entry {
  file: string; // absolute
  name: string; // as reported and stored: relative to the import root
  label?: string;
  group?: string;
  split?: 'pool' | 'holdout';
}

const BATCH = 500;

/**
 * Imports a folder per class, a flat folder of images, or a JSONL/CSV
 * manifest. Each batch of items commits in one transaction with its labels,
 * so an interrupted import leaves whole items only, and a re-run (content
 * hashes) adds just what is missing. A bad file is reported by name and
 * skipped; it never stops the rest.
 */
export async function importData(
  ctx: { db: Db; media: MediaStore },
  p: Principal,
  projectId: number,
  source: string,
  options: ImportOptions = {},
  onProgress?: (done: number, total: number) => void,
): Promise<ImportReport> {
  const parsed = ImportOptions.safeParse(options);
  if (!parsed.success) throw new TandemError('bad_request', `bad import options: ${describeZodError(parsed.error)}`);
  const opts = parsed.data;
  const { project } = await requireProject(ctx.db, p, projectId, 'project.manage');
  const report: ImportReport = { added: 0, duplicates: 0, failed: [] };
  const entries = await listEntries(path.resolve(source), report);
  const classes = new Set(project.classes);

  for (let start = 0; start < entries.length; start += BATCH) {
    const batch: { item: NewItem; label?: string; bytes: Buffer; ext: string }[] = [];
    const seen = new Set<string>();
    for (const e of entries.slice(start, start + BATCH)) {
      const label = opts.labels === 'ignore' ? undefined : e.label;
      if (label !== undefined && !classes.has(label)) {
        report.failed.push({ file: e.name, reason: `unknown class "${label}" (project classes: ${project.classes.join(', ')})` });
        continue;
      }
      let bytes: Buffer;
      let info: ReturnType<typeof decodeImage>;
      try {
        bytes = await fs.readFile(e.file);
        info = decodeImage(bytes);
      } catch (err) {
        report.failed.push({ file: e.name, reason: (err as Error).message });
        continue;
      }
      const hash = sha256(bytes);
      if (seen.has(hash)) {
        report.duplicates++;
        continue;
      }
      seen.add(hash);
      const group = e.group ?? e.name;
      batch.push({
        label: opts.labels === 'annotate' ? label : undefined,
        item: {
          projectId, media: '', mediaType: info.format.mediaType, contentHash: hash, sourceName: e.name, groupKey: group,
          split: e.split ?? splitForGroup(group, opts.holdout, opts.seed), dealKey: hashUnit(hash, opts.seed),
          status: opts.labels === 'annotate' && label !== undefined ? 'labeled' : 'open',
          referenceLabel: opts.labels === 'reference' ? label ?? null : null, width: info.width, height: info.height,
        },
        bytes,
        ext: info.format.ext,
      });
    }
    const existing = await findExistingHashes(ctx.db, projectId, batch.map((b) => b.item.contentHash));
    const fresh = batch.filter((b) => !existing.has(b.item.contentHash));
    report.duplicates += batch.length - fresh.length;
    // Media first, rows second: a crash between them leaves an orphan file, never a row without its file.
    for (const b of fresh) b.item.media = (await ctx.media.put(b.bytes, b.ext)).key;
    report.added += await ctx.db.transaction((tx) => insertItemsWithLabels(tx, fresh));
    onProgress?.(Math.min(start + BATCH, entries.length), entries.length);
  }
  await recordImport(ctx.db, { projectId, source, added: report.added, duplicates: report.duplicates, failed: report.failed });
  return report;
}

async function listEntries(source: string, report: ImportReport): Promise<Entry[]> {
  const st = await fs.stat(source).catch(() => null);
  if (!st) throw new TandemError('not_found', `nothing to import at ${source}: give a folder or a .jsonl/.csv manifest`);
  if (st.isFile()) return manifestEntries(source, report);
  const top = await fs.readdir(source, { withFileTypes: true });
  const entries: Entry[] = [];
  const addFile = (dir: string, name: string, label?: string) => {
    const rel = path.relative(source, path.join(dir, name)).split(path.sep).join('/');
    if (name.startsWith('.')) return;
    if (!IMAGE_NAME.test(name)) report.failed.push({ file: rel, reason: 'not a .png, .jpg or .jpeg file' });
    else entries.push({ file: path.join(dir, name), name: rel, label });
  };
  for (const d of top.sort((a, b) => a.name.localeCompare(b.name))) {
    if (d.isDirectory() && !d.name.startsWith('.')) {
      // A folder per class: the folder's name is the label of what is inside.
      const inner = await fs.readdir(path.join(source, d.name), { withFileTypes: true });
      for (const f of inner.sort((a, b) => a.name.localeCompare(b.name))) if (f.isFile()) addFile(path.join(source, d.name), f.name, d.name);
    } else if (d.isFile()) addFile(source, d.name);
  }
  return entries;
}

async function manifestEntries(manifest: string, report: ImportReport): Promise<Entry[]> {
  const text = await fs.readFile(manifest, 'utf8');
  let lines: ParsedLine[];
  if (/\.jsonl?$/i.test(manifest)) lines = parseJsonl(text);
  else if (/\.csv$/i.test(manifest)) lines = parseCsvManifest(text);
  else throw new TandemError('bad_request', `${path.basename(manifest)} is not a manifest: name it .jsonl or .csv (columns image,label,group,split)`);
  const dir = path.dirname(manifest);
  const entries: Entry[] = [];
  for (const l of lines) {
    if ('error' in l) {
      report.failed.push({ file: `${path.basename(manifest)}:${l.line}`, reason: l.error });
      continue;
    }
    const file = path.resolve(dir, l.row.image);
    entries.push({ file, name: l.row.image, label: l.row.label, group: l.row.group, split: l.row.split });
  }
  return entries;
}
