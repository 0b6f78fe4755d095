import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { annotations, items, leases } from '../schema';
import type { Opening } from '../transactions';
import { A, isStanding, type StoredAnswer } from './answers';
import { shaped, sqlOf, type ShapedStatement } from '../statement-shape';

/**
 * A label's transaction opens by locking its lease row: a retry racing the original waits there
 * until the original commits, and only then looks for its client key (read committed: the next
 * statement sees what committed before it started), so it finds the stored label instead of a
 * completed lease. On Postgres the lock goes with `BEGIN` (db/transactions.ts).
 */
export function leaseLockOpening(leaseId: number): Opening<void> {
  if (!Number.isSafeInteger(leaseId)) throw new RangeError(`lease id must be an integer, got ${leaseId}`);
  return {
    statements: () => [shaped('lease-lock', { leaseId }, (v) => sql`select id from ${leases} where ${leases.id} = ${v('leaseId')} for update`)],
    read: () => undefined,
    run: async (tx) => { await tx.select({ id: leases.id }).from(leases).where(eq(leases.id, leaseId)).for('update'); },
  };
}

export interface LabelCommit {
  projectId: number;
  itemId: number;
  userId: number;
  leaseId: number;
  clientKey: string;
  /** The answer, encoded (db/queries/answers.ts). */
  payload: StoredAnswer;
  edit: Record<string, unknown> | null;
  now: Date;
}

/** What `commitLabel` found and did; `stored` is the new annotation, when it stored one. */
export interface LabelCommitResult {
  /** An annotation the same client key already stored (a retried submit). */
  seen: number | null;
  stored: number | null;
  /** The lease as it stood (null: no such lease). */
  lease: { projectId: number; userId: number | null; itemId: number; state: string } | null;
  /** Another active lease holds the item (asked for a lapsed lease). */
  itemHeld: boolean;
  /**
   * Standing answers the item had before this one. With none, the statement set the item's state
   * itself (collecting while another lease is out, else resolved); otherwise the caller settles it
   * (`settleItem`), since whether answers agree is the task type's question, not SQL's.
   */
  priorAnswers: number;
}

/**
 * After the lease lock, a label's checks and writes in one statement: the client key looked up
 * (a retry gets the first result), the lease checked (the caller's, for this item, in this
 * project; a lapsed lease still counts if nobody else took the item since and it was not
 * completed), then the annotation inserted, the lease completed and the item's state set —
 * each write only when the insert happened. The caller turns a refusal into its error.
 */
export async function commitLabel(tx: Executor, c: LabelCommit): Promise<LabelCommitResult> {
  return readLabelCommit((await tx.execute(sqlOf(labelCommitStatement(c))) as { rows: Record<string, unknown>[] }).rows);
}

/** `commitLabel` as the last of a transaction's opening statements (one message with the lease lock on Postgres). */
export function labelCommitOpening(c: LabelCommit): Opening<LabelCommitResult> {
  return {
    statements: () => [labelCommitStatement(c)],
    read: ([rows]) => readLabelCommit(rows as Record<string, unknown>[]),
    run: (tx) => commitLabel(tx, c),
  };
}

function labelCommitStatement(c: LabelCommit): ShapedStatement {
  const values = {
    projectId: c.projectId, itemId: c.itemId, userId: c.userId, leaseId: c.leaseId, clientKey: c.clientKey,
    payload: JSON.stringify(c.payload), edit: c.edit === null ? null : JSON.stringify(c.edit), now: c.now.toISOString(),
  };
  return shaped('label-commit', values, (v) => sql`
    with seen as (
      select id from ${annotations} where user_id = ${v('userId')} and client_key = ${v('clientKey')} limit 1),
    l as (
      select id, project_id, item_id, user_id, state from ${leases} where id = ${v('leaseId')}),
    held as (
      select exists (select 1 from ${leases} o where o.item_id = ${v('itemId')} and o.state = 'active' and o.id <> ${v('leaseId')}) as v),
    prior as (
      select count(*)::int as n from ${annotations} a where a.item_id = ${v('itemId')} and ${isStanding(A)}),
    ok as (
      select l.id, l.state from l
      where not exists (select 1 from seen)
        and l.project_id = ${v('projectId')} and l.user_id = ${v('userId')} and l.item_id = ${v('itemId')}
        and (l.state = 'active' or (l.state <> 'completed' and not (select v from held)))),
    ins as (
      insert into ${annotations} (project_id, item_id, user_id, action, payload, edit, source, lease_id, client_key)
      select ${v('projectId')}, ${v('itemId')}, ${v('userId')}, 'label', ${v('payload')}::jsonb,
             ${v('edit')}::jsonb, 'human', ok.id, ${v('clientKey')} from ok
      returning id),
    ended as (
      update ${leases} set state = 'completed', ended_at = ${v('now')}::timestamptz
      where id in (select id from ok where state = 'active') and exists (select 1 from ins)
      returning id),
    marked as (
      update ${items} set status = case when (select v from held) then 'collecting' else 'resolved' end
      where id = ${v('itemId')} and exists (select 1 from ins) and (select n from prior) = 0
      returning id)
    select (select id from seen) as seen_id, (select id from ins) as new_id, (select n from prior) as prior,
           l.project_id, l.user_id, l.item_id, l.state, (select v from held) as held
    from (select 1) one left join l on true`);
}

function readLabelCommit(rows: Record<string, unknown>[]): LabelCommitResult {
  const [r] = rows;
  const id = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    seen: id(r.seen_id),
    stored: id(r.new_id),
    lease: r.state === null || r.state === undefined ? null : {
      projectId: Number(r.project_id), userId: id(r.user_id), itemId: Number(r.item_id), state: String(r.state),
    },
    itemHeld: r.held === true,
    priorAnswers: Number(r.prior ?? 0),
  };
}
