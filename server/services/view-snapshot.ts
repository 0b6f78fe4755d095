import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { PoolSignature, RankingHead } from '../../db/queries/queue-state';
import { AUTO_PHASES } from '../../lib/al/strategies';
import type { HoldoutItems, RankingView } from '../../lib/queue/input';

/**
 * A pool view kept on disk, so the first claims after a restart are dealt from what the last
 * process built instead of waiting seconds for a new build (issue 15: no one waits more than
 * 1 s for a first item). It holds what a view costs to read from the database — item ids,
 * holdout groups, gold items and the applied ranking's arrays — and not the label book (read
 * fresh; labels change all the time) nor the embeddings (the largest part; the build that
 * starts at once brings them). It is trusted only for the signature it was written under, in
 * the database it was read from; anything else (no file, another version, a short or corrupt
 * file) reads as no snapshot.
 *
 * Layout: a 4-byte little-endian header length, the JSON header, then the arrays one after
 * another, each 8-byte aligned, in the order and lengths the header lists.
 */
export interface ViewSnapshot {
  projectId: number;
  /** Where the view was read (the database's redacted address): a snapshot never crosses databases. */
  database: string;
  signature: PoolSignature;
  n: number;
  ids: Float64Array;
  holdout: HoldoutItems;
  gold: Int32Array;
  ranking?: { head: RankingHead; view: RankingView };
}

const FORMAT = 1;

const ARRAYS = ['ids', 'holdoutItem', 'holdoutGroup', 'gold', 'score', 'predicted', 'confidence', 'byScore', 'byConfidence', 'lead'] as const;
type ArrayName = (typeof ARRAYS)[number];
const KINDS: Record<ArrayName, typeof Float64Array | typeof Int32Array | typeof Float32Array> = {
  ids: Float64Array, holdoutItem: Int32Array, holdoutGroup: Int32Array, gold: Int32Array,
  score: Float32Array, predicted: Int32Array, confidence: Float32Array, byScore: Int32Array, byConfidence: Int32Array, lead: Int32Array,
};

const Header = z.object({
  format: z.literal(FORMAT),
  projectId: z.number().int().positive(),
  database: z.string(),
  signature: z.object({ rankingId: z.number().int().positive().nullable(), importId: z.number().int().nonnegative() }),
  n: z.number().int().nonnegative(),
  ranking: z.object({
    head: z.object({
      id: z.number().int().positive(), strategy: z.string(), labelCount: z.number().int().nonnegative(), embeddingSpace: z.string().nullable(), createdAt: z.string(),
      autoPhase: z.enum(AUTO_PHASES).nullable().optional(),
      lead: z.number().int().nonnegative().optional(),
    }),
    version: z.number().int(),
    strategy: z.string(),
  }).nullable(),
  lengths: z.record(z.string(), z.number().int().nonnegative()),
}).strict();

/** The snapshot file of a project in a folder. */
export function snapshotFile(dir: string, projectId: number): string {
  return path.join(dir, `project-${projectId}.view`);
}

function arraysOf(s: ViewSnapshot): Partial<Record<ArrayName, ArrayBufferView>> {
  const r = s.ranking?.view;
  return {
    ids: s.ids, holdoutItem: s.holdout.item, holdoutGroup: s.holdout.group, gold: s.gold,
    ...(r ? { score: r.score, predicted: r.predicted, confidence: r.confidence, byScore: r.byScore, byConfidence: r.byConfidence, lead: r.lead } : {}),
  };
}

const pad8 = (x: number) => (x + 7) & ~7;

/** The snapshot as bytes (written whole, then renamed into place: a reader never sees half a file). */
export function encodeViewSnapshot(s: ViewSnapshot): Buffer {
  const arrays = arraysOf(s);
  const lengths = Object.fromEntries(ARRAYS.filter((k) => arrays[k]).map((k) => [k, (arrays[k] as unknown as { length: number }).length]));
  const head = s.ranking?.head;
  const header: z.infer<typeof Header> = {
    format: FORMAT, projectId: s.projectId, database: s.database, signature: s.signature, n: s.n,
    ranking: s.ranking && head ? { head: { ...head, createdAt: new Date(head.createdAt).toISOString() }, version: s.ranking.view.version, strategy: s.ranking.view.strategy } : null,
    lengths,
  };
  const json = Buffer.from(JSON.stringify(header));
  let size = pad8(4 + json.length);
  for (const k of ARRAYS) if (arrays[k]) size += pad8(arrays[k]!.byteLength);
  const out = Buffer.alloc(size);
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  let at = pad8(4 + json.length);
  for (const k of ARRAYS) {
    const a = arrays[k];
    if (!a) continue;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += pad8(a.byteLength);
  }
  return out;
}

/** The snapshot in these bytes, or undefined when they are not one this version wrote whole. */
export function decodeViewSnapshot(bytes: Uint8Array): ViewSnapshot | undefined {
  if (bytes.byteLength < 4) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = view.getUint32(0, true);
  if (4 + len > bytes.byteLength) return undefined;
  let parsed: z.infer<typeof Header>;
  try {
    const r = Header.safeParse(JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 4, len).toString('utf8')));
    if (!r.success) return undefined;
    parsed = r.data;
  } catch {
    return undefined;
  }
  // Every typed array views the bytes in place. A file read whole starts its own buffer (aligned):
  // copying a million-item view (36 MB) cost the first claims after a start 140 ms on a slow core.
  // Only bytes at an unaligned offset are copied first.
  const body = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes);
  const arrays: Partial<Record<ArrayName, ArrayBufferView & { length: number }>> = {};
  let at = pad8(4 + len);
  for (const k of ARRAYS) {
    const count = parsed.lengths[k];
    if (count === undefined) continue;
    const Kind = KINDS[k];
    const bytesOf = count * Kind.BYTES_PER_ELEMENT;
    if (at + bytesOf > body.byteLength) return undefined;
    arrays[k] = new Kind(body.buffer as ArrayBuffer, body.byteOffset + at, count);
    at += pad8(bytesOf);
  }
  const { ids, holdoutItem, holdoutGroup, gold } = arrays;
  if (!ids || !holdoutItem || !holdoutGroup || !gold || ids.length !== parsed.n || holdoutItem.length !== holdoutGroup.length) return undefined;
  const out: ViewSnapshot = {
    projectId: parsed.projectId, database: parsed.database, signature: parsed.signature, n: parsed.n,
    ids: ids as Float64Array, holdout: { item: holdoutItem as Int32Array, group: holdoutGroup as Int32Array }, gold: gold as Int32Array,
  };
  if (parsed.ranking) {
    const { score, predicted, confidence, byScore, byConfidence, lead } = arrays;
    if (!score || !predicted || !confidence) return undefined;
    if (score.length !== parsed.n || predicted.length !== parsed.n || confidence.length !== parsed.n) return undefined;
    out.ranking = {
      head: { ...parsed.ranking.head, createdAt: new Date(parsed.ranking.head.createdAt) },
      view: {
        version: parsed.ranking.version, strategy: parsed.ranking.strategy,
        score: score as Float32Array, predicted: predicted as Int32Array, confidence: confidence as Float32Array,
        ...(byScore ? { byScore: byScore as Int32Array } : {}), ...(byConfidence ? { byConfidence: byConfidence as Int32Array } : {}),
        ...(lead ? { lead: lead as Int32Array } : {}),
      },
    };
  }
  return out;
}

/** Writes a project's snapshot (a temporary file renamed into place). */
export async function writeViewSnapshot(dir: string, s: ViewSnapshot): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true });
  const file = snapshotFile(dir, s.projectId);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.promises.writeFile(tmp, encodeViewSnapshot(s));
  await fs.promises.rename(tmp, file);
}

/** The projects whose snapshots are in a folder (none when the folder does not exist). */
export async function listViewSnapshots(dir: string): Promise<number[]> {
  const names = await fs.promises.readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  const ids: number[] = [];
  for (const name of names) {
    const m = /^project-([1-9][0-9]{0,14})\.view$/.exec(name);
    if (m) ids.push(Number(m[1]));
  }
  return ids.sort((a, b) => a - b);
}

/** A project's snapshot, or undefined (none, unreadable, or not one this version wrote). */
export async function readViewSnapshot(dir: string, projectId: number): Promise<ViewSnapshot | undefined> {
  try {
    const s = decodeViewSnapshot(await readWhole(snapshotFile(dir, projectId)));
    return s && s.projectId === projectId ? s : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A file in one read. `fs.promises.readFile` reads in 512 KiB chunks, each a job for libuv's
 * thread pool, and each queues behind what is there already: at a start that is every login's
 * bcrypt, so a million items' snapshot (32 MB, ~64 chunks) came in after the first claims it
 * was read for. Here the file costs four jobs (open, stat, read, close).
 */
async function readWhole(file: string): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(bytes, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === size ? bytes : bytes.subarray(0, at);
  } finally {
    await handle.close();
  }
}
