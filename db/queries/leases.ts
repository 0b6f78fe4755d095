import { and, asc, desc, eq, lt, notInArray, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { items, leases } from '../schema';

export type LeaseRow = typeof leases.$inferSelect;

export interface LeasedItem {
  leaseId: number;
  itemId: number;
  stream: string;
  expiresAt: Date;
  width: number | null;
  height: number | null;
}

const leasedItemColumns = {
  leaseId: leases.id, itemId: leases.itemId, stream: leases.stream, expiresAt: leases.expiresAt,
  width: items.width, height: items.height,
};

/**
 * Serialises one annotator's claims in one project until the transaction ends:
 * two tabs claiming at once must not both top up to the full hold.
 */
export async function lockAnnotatorQueue(db: Executor, projectId: number, userId: number): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(${projectId}::int, ${userId}::int)`);
}

/** Returns expired leases to the pool; called inside every claim so no sweeper is needed for correctness. */
export async function expireStaleLeases(db: Executor, projectId: number, now: Date): Promise<number> {
  const rows = await db.update(leases).set({ state: 'expired', endedAt: now })
    .where(and(eq(leases.projectId, projectId), eq(leases.state, 'active'), lt(leases.expiresAt, now)))
    .returning({ id: leases.id });
  return rows.length;
}

/** The annotator's open leases, redo items first, then in the order they were dealt; their expiry is pushed back. */
export async function renewActiveLeases(db: Executor, projectId: number, userId: number, expiresAt: Date): Promise<LeasedItem[]> {
  await db.update(leases).set({ expiresAt })
    .where(and(eq(leases.projectId, projectId), eq(leases.userId, userId), eq(leases.state, 'active')));
  return db.select(leasedItemColumns).from(leases).innerJoin(items, eq(items.id, leases.itemId))
    .where(and(eq(leases.projectId, projectId), eq(leases.userId, userId), eq(leases.state, 'active')))
    .orderBy(desc(sql`${leases.stream} = 'redo'`), asc(leases.id));
}

export interface NewLease {
  projectId: number;
  itemId: number;
  userId: number;
  /** The stream kind (or `redo`, `pinned` for leases made outside the dealing policy). */
  stream: string;
  expiresAt: Date;
  rankingId?: number | null;
  score?: number | null;
  /** The full `Stream` record (lib/queue/streams.ts) of a dealt lease. */
  detail?: Record<string, unknown> | null;
}

/** Inserts leases and returns them in insertion order (the order they were dealt). */
export async function insertLeases(db: Executor, rows: NewLease[]): Promise<LeasedItem[]> {
  if (rows.length === 0) return [];
  const inserted = await db.insert(leases).values(rows).returning({ id: leases.id });
  const ids = inserted.map((r) => r.id);
  return db.select(leasedItemColumns).from(leases).innerJoin(items, eq(items.id, leases.itemId))
    .where(sql`${leases.id} in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`)
    .orderBy(asc(leases.id));
}

export async function findLease(db: Executor, leaseId: number): Promise<LeaseRow | undefined> {
  const [row] = await db.select().from(leases).where(eq(leases.id, leaseId));
  return row;
}

export async function findActiveLeaseOfItem(db: Executor, itemId: number): Promise<LeaseRow | undefined> {
  const [row] = await db.select().from(leases).where(and(eq(leases.itemId, itemId), eq(leases.state, 'active')));
  return row;
}

export async function endLease(db: Executor, leaseId: number, state: 'completed' | 'released' | 'skipped', now: Date): Promise<void> {
  await db.update(leases).set({ state, endedAt: now }).where(eq(leases.id, leaseId));
}

/** Releases every active lease of a user in a project (logout, a lead's release). */
export async function releaseLeasesOfUser(db: Executor, projectId: number, userId: number, now: Date): Promise<number> {
  const rows = await db.update(leases).set({ state: 'released', endedAt: now })
    .where(and(eq(leases.projectId, projectId), eq(leases.userId, userId), eq(leases.state, 'active')))
    .returning({ id: leases.id });
  return rows.length;
}

/** Ends (released) the caller's active leases in a project, except the listed ones: the page closed or moved on. */
export async function releaseLeasesExcept(db: Executor, projectId: number, userId: number, keep: number[], now: Date): Promise<{ leaseId: number; itemId: number }[]> {
  const rows = await db.update(leases).set({ state: 'released', endedAt: now })
    .where(and(
      eq(leases.projectId, projectId), eq(leases.userId, userId), eq(leases.state, 'active'),
      keep.length > 0 ? notInArray(leases.id, keep) : undefined,
    ))
    .returning({ leaseId: leases.id, itemId: leases.itemId });
  return rows;
}

/**
 * Test and drill helper: items held twice against the rules (must always be none): two
 * active leases of which more than one is exclusive (every stream but overlap and gold), or
 * two active leases of one item to one annotator.
 */
export async function findDoubleLeases(db: Executor): Promise<{ itemId: number; n: number }[]> {
  return db.select({ itemId: leases.itemId, n: sql<number>`count(*)::int` }).from(leases)
    .where(eq(leases.state, 'active')).groupBy(leases.itemId)
    .having(sql`count(*) filter (where ${leases.stream} not in ('overlap', 'gold')) > 1 or count(distinct ${leases.userId}) < count(*)`);
}
