import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { items, leases, rankingEntries } from '../schema';

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

/**
 * Picks open items nobody holds and this annotator has not skipped, in
 * dealing order, locking them so a concurrent claim skips past them. The
 * unique index on active leases is the final guard: a claim that loses a race
 * fails with 23505 and is retried by the caller.
 *
 * Dealing order: with an applied ranking, its entries by position (the
 * `uncertain` stream); holdout items, which a model never ranks, spread evenly
 * through it by their random deal key (`holdout`); items the ranking does not
 * know (imported since) after it (`cold`). Without a ranking: the deal key.
 */
export async function pickFreeItems(db: Executor, projectId: number, userId: number, count: number, ranking?: { id: number; size: number }): Promise<PickedItem[]> {
  const free = and(
    eq(items.projectId, projectId),
    eq(items.status, 'open'),
    sql`not exists (select 1 from ${leases} l where l.item_id = ${items.id} and l.state = 'active')`,
    sql`not exists (select 1 from ${leases} l where l.item_id = ${items.id} and l.user_id = ${userId} and l.state = 'skipped')`,
  );
  if (!ranking) {
    const rows = await db.select({ id: items.id }).from(items).where(free).orderBy(asc(items.dealKey)).limit(count)
      .for('update', { skipLocked: true });
    return rows.map((r) => ({ itemId: r.id, stream: 'cold', rankingId: null, score: null }));
  }
  const order = sql`coalesce(${rankingEntries.position}::float8,
    case when ${items.split} = 'holdout' then ${items.dealKey} * ${ranking.size} end,
    ${ranking.size} + ${items.dealKey})`;
  const rows = await db.select({ id: items.id, split: items.split, position: rankingEntries.position, score: rankingEntries.score })
    .from(items)
    .leftJoin(rankingEntries, and(eq(rankingEntries.rankingId, ranking.id), eq(rankingEntries.itemId, items.id)))
    .where(free).orderBy(order).limit(count)
    .for('update', { of: items, skipLocked: true });
  return rows.map((r) => ({
    itemId: r.id,
    stream: r.position !== null ? 'uncertain' : r.split === 'holdout' ? 'holdout' : 'cold',
    rankingId: r.position !== null ? ranking.id : null,
    score: r.score,
  }));
}

export interface PickedItem {
  itemId: number;
  stream: string;
  rankingId: number | null;
  score: number | null;
}

export async function insertLeases(db: Executor, rows: { projectId: number; itemId: number; userId: number; stream: string; expiresAt: Date; rankingId?: number | null; score?: number | null }[]): Promise<LeasedItem[]> {
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

/** Test and drill helper: items with more than one active lease (must always be none). */
export async function findDoubleLeases(db: Executor): Promise<{ itemId: number; n: number }[]> {
  return db.select({ itemId: leases.itemId, n: sql<number>`count(*)::int` }).from(leases)
    .where(eq(leases.state, 'active')).groupBy(leases.itemId).having(sql`count(*) > 1`);
}
