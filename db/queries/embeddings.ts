import { and, asc, eq, gt, ne, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { embeddings } from '../schema';
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

/** Every vector of a space, with its item id (unordered). */
export async function loadEmbeddings(db: Executor, projectId: number, space: string, { page = POOL_PAGE, before }: Paging = {}): Promise<{ itemId: number; vector: Float32Array }[]> {
  const out: { itemId: number; vector: Float32Array }[] = [];
  // In pages along the primary key, for the reason POOL_PAGE gives.
  for (let last = 0; ;) {
    await before?.();
    const rows = await db.select({ itemId: embeddings.itemId, dim: embeddings.dim, vector: embeddings.vector }).from(embeddings)
      .where(and(eq(embeddings.projectId, projectId), eq(embeddings.space, space), gt(embeddings.itemId, last)))
      .orderBy(asc(embeddings.itemId)).limit(page);
    for (const r of rows) out.push({ itemId: Number(r.itemId), vector: decodeVector(r.vector, r.dim) });
    if (rows.length < page) return out;
    last = out[out.length - 1].itemId;
  }
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
