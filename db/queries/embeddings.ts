import { and, eq, ne, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { embeddings } from '../schema';
import { bigEndian } from './packed';
import { POOL_PAGE, type Paging } from './queue-state';

/**
 * Item embeddings per named space, stored as little-endian float32 bytes.
 * The trainer uploads a space once (worker protocol); the dealer reads it to
 * spread batches across the team.
 */

export function encodeVector(v: ArrayLike<number>): Uint8Array {
  const f = Float32Array.from(v as ArrayLike<number>);
  return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
}

export function decodeVector(bytes: Uint8Array, dim: number): Float32Array {
  if (bytes.byteLength !== dim * 4) throw new RangeError(`embedding has ${bytes.byteLength} bytes, expected ${dim * 4} for ${dim} floats`);
  // Copy: the driver's buffer may be shared or unaligned.
  const out = new Float32Array(dim);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Inserts or replaces the vectors of one space (a re-sent chunk overwrites its own rows). */
export async function upsertEmbeddings(db: Executor, projectId: number, space: string, rows: { itemId: number; vector: ArrayLike<number> }[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    const values = rows.slice(i, i + 2000).map((r) => ({ projectId, space, itemId: r.itemId, dim: r.vector.length, vector: encodeVector(r.vector) }));
    await db.insert(embeddings).values(values).onConflictDoUpdate({
      target: [embeddings.projectId, embeddings.space, embeddings.itemId],
      set: { dim: sql`excluded.dim`, vector: sql`excluded.vector` },
    });
  }
}

export async function countEmbeddings(db: Executor, projectId: number, space: string): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(embeddings).where(and(eq(embeddings.projectId, projectId), eq(embeddings.space, space)));
  return r.n;
}

/**
 * One page of a space as three byte strings instead of a row per item: the item ids (ascending),
 * each vector's dim and the vectors back to back. A million-item space read row by row made a
 * Buffer and an object per vector, and its garbage collections held up the claims served while
 * the pool view was built after a restart; packed, a page is three values.
 */
export interface EmbeddingPage {
  itemIds: Float64Array;
  dims: Int32Array;
  /** The vectors, little-endian float32, in the order of `itemIds`; vector k starts at 4 × (dims[0] + … + dims[k − 1]). */
  bytes: Uint8Array;
}

/** Every vector of a space, page by page along the primary key (for the reason POOL_PAGE gives), item ids ascending. */
export async function forEachEmbeddingPage(
  db: Executor, projectId: number, space: string, use: (page: EmbeddingPage) => void, { page = POOL_PAGE, before }: Paging = {},
): Promise<void> {
  for (let last = 0; ;) {
    await before?.();
    // send() gives big-endian bytes; ids go as float8, exact below 2^53 as every id here is.
    const [r] = (await db.execute(sql`
      select count(*)::int as n,
        string_agg(float8send(item_id::float8), ''::bytea order by item_id) as ids,
        string_agg(int4send(dim), ''::bytea order by item_id) as dims,
        string_agg(vector, ''::bytea order by item_id) as vectors
      from (select item_id, dim, vector from ${embeddings}
            where project_id = ${projectId} and space = ${space} and item_id > ${last}
            order by item_id limit ${page}) e`) as unknown as { rows: { n: unknown; ids: Uint8Array | null; dims: Uint8Array | null; vectors: Uint8Array | null }[] }).rows;
    const n = Number(r?.n ?? 0);
    if (n > 0) {
      const ids = bigEndian(r.ids!);
      const dims = bigEndian(r.dims!);
      const out: EmbeddingPage = { itemIds: new Float64Array(n), dims: new Int32Array(n), bytes: r.vectors! };
      for (let k = 0; k < n; k++) {
        out.itemIds[k] = ids.getFloat64(8 * k);
        out.dims[k] = dims.getInt32(4 * k);
      }
      use(out);
      last = out.itemIds[n - 1];
    }
    if (n < page) return;
  }
}

/** Every vector of a space, with its item id (ascending). */
export async function loadEmbeddings(db: Executor, projectId: number, space: string, paging: Paging = {}): Promise<{ itemId: number; vector: Float32Array }[]> {
  const out: { itemId: number; vector: Float32Array }[] = [];
  await forEachEmbeddingPage(db, projectId, space, ({ itemIds, dims, bytes }) => {
    let at = 0;
    for (let k = 0; k < itemIds.length; k++) {
      out.push({ itemId: itemIds[k], vector: decodeVector(bytes.subarray(at, at + 4 * dims[k]), dims[k]) });
      at += 4 * dims[k];
    }
  }, paging);
  return out;
}

/** How many items of the project have a vector in the space, and their dim (null: none yet). */
export async function describeSpace(db: Executor, projectId: number, space: string): Promise<{ count: number; dim: number | null }> {
  const [r] = await db.select({ n: sql<number>`count(*)::int`, dim: sql<number | null>`min(${embeddings.dim})` }).from(embeddings)
    .where(and(eq(embeddings.projectId, projectId), eq(embeddings.space, space)));
  return { count: r.n, dim: r.dim === null ? null : Number(r.dim) };
}

/** Drops the project's vectors of every space but `keep`: a refitted extractor's old spaces are never dealt from again. */
export async function deleteOtherSpaces(db: Executor, projectId: number, keep: string): Promise<void> {
  await db.delete(embeddings).where(and(eq(embeddings.projectId, projectId), ne(embeddings.space, keep)));
}
