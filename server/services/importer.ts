import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { insertItemsWithLabels, type NewItem } from '../../db/queries/items';
import { recordImport, refreshPlannerStatistics } from '../../db/queries/imports';
import { describeZodError, TandemError } from '../../lib/errors';
import { splitForGroup } from '../../lib/holdout';
import { mapLimit } from '../../lib/import/map-limit';
import { hashUnit } from '../../lib/random';
import type { Logger } from '../log';
import type { MediaStore } from '../media';
import { requireProject, type Principal } from './access';
import { decodeImage } from './image-decode';
import { listSource, type Failure, type SourceEntry } from './import-sources';

export const ImportOptions = z.object({
  /** Share of groups drawn into the holdout (rows whose manifest names a split keep it). */
  holdout: z.number().min(0).max(1).default(0.1),
  /** Seed of the holdout draw and of the dealing order. */
  seed: z.number().int().default(1),
  /** annotate: imported labels become labels; reference: kept as the hidden known answer only; ignore. */
  labels: z.enum(['annotate', 'reference', 'ignore']).default('annotate'),
  /** Items committed per transaction: what an interrupted import can lose at most. */
  batchSize: z.number().int().min(1).max(4000).default(500),
}).strict();
export type ImportOptions = z.input<typeof ImportOptions> & {
  /** Called after each committed batch with the files handled so far. */
  onProgress?: (done: number, total: number) => void;
};

export interface ImportReport {
  added: number;
  duplicates: number;
  failed: Failure[];
}

export interface ImportContext {
  db: Db;
  media: MediaStore;
  log?: Logger;
}

/** Files read, decoded and stored at once: file I/O waits on disk, so a few in flight pay off (~3× on 2 cores). */
const IO_CONCURRENCY = 16;

/**
 * Imports a folder per class, a flat folder of images, or a JSONL/CSV
 * manifest. Each batch of items commits in one transaction with its labels,
 * so an interrupted import leaves whole items only, and a re-run (content
 * hashes are unique per project) adds just what is missing. A bad file is
 * reported by name and skipped; it never stops the rest.
 */
export async function importData(ctx: ImportContext, p: Principal, projectId: number, source: string, options: ImportOptions = {}): Promise<ImportReport> {
  const { onProgress, ...rest } = options;
  const parsed = ImportOptions.safeParse(rest);
  if (!parsed.success) throw new TandemError('bad_request', `bad import options: ${describeZodError(parsed.error)}`);
  const opts = parsed.data;
  const { project } = await requireProject(ctx.db, p, projectId, 'project.manage');
  const started = Date.now();
  const root = path.resolve(source);
  const { entries, failed } = await listSource(root);
  const report: ImportReport = { added: 0, duplicates: 0, failed };
  const classes = new Set(project.classes);
  const seen = new Set<string>();

  for (let start = 0; start < entries.length; start += opts.batchSize) {
    const slice = entries.slice(start, start + opts.batchSize);
    const loaded = await mapLimit(slice, IO_CONCURRENCY, (e) => load(ctx.media, e, opts.labels, classes));
    const rows: { item: NewItem; label?: string }[] = [];
    loaded.forEach((r, i) => {
      const e = slice[i];
      if ('reason' in r) return void report.failed.push({ file: e.name, reason: r.reason });
      // The same picture twice in one source: the first copy wins.
      if (seen.has(r.hash)) return void report.duplicates++;
      seen.add(r.hash);
      const label = opts.labels === 'ignore' ? undefined : e.label;
      const group = e.group ?? e.name;
      rows.push({
        label: opts.labels === 'annotate' ? label : undefined,
        item: {
          projectId, media: r.key, mediaType: r.mediaType, contentHash: r.hash, sourceName: e.name, groupKey: group,
          split: e.split ?? splitForGroup(group, opts.holdout, opts.seed), dealKey: hashUnit(r.hash, opts.seed),
          status: opts.labels === 'annotate' && label !== undefined ? 'resolved' : 'open',
          referenceLabel: opts.labels === 'reference' ? label ?? null : null, width: r.width, height: r.height,
        },
      });
    });
    // Rows the project already has are skipped by the unique content hash, also against an import running beside this one.
    const inserted = rows.length ? await ctx.db.transaction((tx) => insertItemsWithLabels(tx, rows)) : 0;
    report.added += inserted;
    report.duplicates += rows.length - inserted;
    onProgress?.(start + slice.length, entries.length);
  }
  if (report.added > 0) await refreshPlannerStatistics(ctx.db);
  await recordImport(ctx.db, { projectId, source: root, added: report.added, duplicates: report.duplicates, failed: report.failed });
  ctx.log?.info({ projectId, source: root, added: report.added, duplicates: report.duplicates, failed: report.failed.length, ms: Date.now() - started }, 'import finished');
  return report;
}

type Loaded = { hash: string; key: string; mediaType: string; width: number; height: number } | { reason: string };

/**
 * Reads, fully decodes (a truncated file fails here, not in front of an
 * annotator) and stores one file. Media is stored before its row exists: a
 * crash between the two leaves an unused file, never a row without its file.
 */
async function load(media: MediaStore, e: SourceEntry, labels: 'annotate' | 'reference' | 'ignore', classes: Set<string>): Promise<Loaded> {
  if (labels !== 'ignore' && e.label !== undefined && !classes.has(e.label)) {
    return { reason: `unknown class "${e.label}" — the project's classes are ${[...classes].join(', ')}` };
  }
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(e.file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { reason: code === 'ENOENT' ? 'file not found' : `cannot read it (${code ?? (err as Error).message})` };
  }
  let info: ReturnType<typeof decodeImage>;
  try {
    info = decodeImage(bytes);
  } catch (err) {
    return { reason: (err as Error).message };
  }
  const { key, hash } = await media.put(bytes, info.format.ext);
  return { hash, key, mediaType: info.format.mediaType, width: info.width, height: info.height };
}
