import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Opening } from '../transactions';
import type { Executor } from '../client';
import { items, leases } from '../schema';
import { shaped, sqlOf, type ShapedStatement } from '../statement-shape';

export type LeaseRow = typeof leases.$inferSelect;

export interface LeasedItem {
  leaseId: number;
  itemId: number;
  stream: string;
  expiresAt: Date;
  width: number | null;
  height: number | null;
}

/**
 * Serialises one annotator's claims in one project until the transaction ends:
 * two tabs claiming at once must not both top up to the full hold.
 */
export async function lockAnnotatorQueue(db: Executor, projectId: number, userId: number): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(${projectId}::int, ${userId}::int)`);
}

/**
 * The claim's first statement after its lock: expired leases of the project go back to the pool
 * and the caller's open leases are renewed (the heartbeat), returned redo items first, then in
 * the order they were dealt. One round trip: the two updates touch disjoint rows (expiry before
 * `now` against at or after it), so one statement may make both. Rows another claim is expiring
 * right now are skipped, not waited for: concurrent claims updating the same stale rows in
 * different orders would deadlock (40P01). No sweeper is needed for correctness.
 */
export async function expireAndRenewLeases(db: Executor, projectId: number, userId: number, now: Date, expiresAt: Date): Promise<LeasedItem[]> {
  return leasedRows(await db.execute(sqlOf(expireAndRenewSql(projectId, userId, now, expiresAt))));
}

/**
 * `expireAndRenewLeases` as a locked transaction's opening statement (db/transactions.ts): on
 * Postgres it goes with `BEGIN` and the annotator's lock in one message.
 */
export function expireAndRenewOpening(projectId: number, userId: number, now: Date, expiresAt: Date): Opening<LeasedItem[]> {
  return {
    statements: () => [expireAndRenewSql(projectId, userId, now, expiresAt)],
    read: ([rows]) => leasedRows({ rows }),
    run: (tx) => expireAndRenewLeases(tx, projectId, userId, now, expiresAt),
  };
}

function expireAndRenewSql(projectId: number, userId: number, now: Date, expiresAt: Date): ShapedStatement {
  if (!Number.isSafeInteger(projectId) || !Number.isSafeInteger(userId)) throw new RangeError(`project and user ids must be integers, got ${projectId}, ${userId}`);
  return shaped('expire-and-renew', { projectId, userId, t: now.toISOString(), expiresAt: expiresAt.toISOString() }, (v) => sql`
    with stale as (
      select id from ${leases}
      where project_id = ${v('projectId')} and state = 'active' and expires_at < ${v('t')}::timestamptz
      for update skip locked),
    expired as (
      update ${leases} set state = 'expired', ended_at = ${v('t')}::timestamptz where id in (select id from stale) returning id),
    r as (
      update ${leases} set expires_at = ${v('expiresAt')}::timestamptz
      where project_id = ${v('projectId')} and user_id = ${v('userId')} and state = 'active' and expires_at >= ${v('t')}::timestamptz
      returning id, item_id, stream, expires_at)
    select r.id, r.item_id, r.stream, r.expires_at, i.width, i.height
    from r join ${items} i on i.id = r.item_id
    order by (r.stream = 'redo') desc, r.id`);
}

type LeasedRow = { id: unknown; item_id: unknown; stream: string; expires_at: Date | string; width: number | null; height: number | null };
export function leasedRows(res: unknown): LeasedItem[] {
  return (res as { rows: LeasedRow[] }).rows.map((r) => ({
    leaseId: Number(r.id), itemId: Number(r.item_id), stream: r.stream, expiresAt: new Date(r.expires_at), width: r.width, height: r.height,
  }));
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
  // One statement: the inserted rows joined with their items, in insertion order.
  const values = sql.join(rows.map((r, at) => sql`(${r.projectId}::int, ${r.itemId}::bigint, ${r.userId}::int, ${r.stream}::text, ${r.expiresAt.toISOString()}::timestamptz,
    ${r.rankingId ?? null}::bigint, ${r.score ?? null}::real, ${r.detail ? JSON.stringify(r.detail) : null}::jsonb, ${at}::int)`), sql`, `);
  const res = await db.execute(sql`
    with v(project_id, item_id, user_id, stream, expires_at, ranking_id, score, detail, k) as (values ${values}),
    r as (
      insert into ${leases} (project_id, item_id, user_id, stream, expires_at, ranking_id, score, detail)
      select project_id, item_id, user_id, stream, expires_at, ranking_id, score, detail from v order by k
      returning id, item_id, stream, expires_at)
    select r.id, r.item_id, r.stream, r.expires_at, i.width, i.height
    from r join ${items} i on i.id = r.item_id
    order by r.id`);
  return leasedRows(res);
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
