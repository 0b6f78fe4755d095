import { eq, sql } from 'drizzle-orm';
import type { ItemState } from '../../lib/agreement/item-state';
import type { Executor } from '../client';
import { items } from '../schema';
import { A, isStanding } from './answers';

/** A standing answer of an item as settling reads it. */
export interface StandingAnswerRow {
  id: number;
  userId: number | null;
  source: 'human' | 'model' | 'consensus' | 'import' | 'review';
  payload: unknown;
  confidence: number | null;
}

/**
 * What settles an item, in one round trip: its standing answers (oldest first), how many leases
 * on it are still out, and whether a lead sent it back for review.
 */
export async function readItemAnswers(db: Executor, itemId: number): Promise<{ answers: StandingAnswerRow[]; leasesOut: number; sentBack: boolean }> {
  const res = await db.execute(sql`
    select a.id, a.user_id, a.source, a.payload, a.confidence,
           (select count(*)::int from leases l where l.item_id = ${itemId} and l.state = 'active') as leases_out,
           exists (select 1 from item_flags f where f.item_id = ${itemId} and f.kind = 'sent-back' and f.resolved_at is null) as sent_back
    from (select 1) one
    left join annotations a on a.item_id = ${itemId} and ${isStanding(A)}
    order by a.id`);
  const rows = (res as unknown as { rows: Record<string, unknown>[] }).rows;
  return {
    leasesOut: rows.length > 0 ? Number(rows[0].leases_out) : 0,
    sentBack: rows.length > 0 && rows[0].sent_back === true,
    answers: rows.filter((r) => r.id !== null && r.id !== undefined).map((r) => ({
      id: Number(r.id), userId: r.user_id == null ? null : Number(r.user_id), source: r.source as StandingAnswerRow['source'],
      payload: r.payload, confidence: r.confidence == null ? null : Number(r.confidence),
    })),
  };
}

/** `readItemAnswers` for many items in one round trip, by item id (items without answers are absent from `answers`). */
export async function readItemsAnswers(db: Executor, itemIds: readonly number[]): Promise<Map<number, { answers: StandingAnswerRow[]; leasesOut: number; sentBack: boolean }>> {
  const out = new Map<number, { answers: StandingAnswerRow[]; leasesOut: number; sentBack: boolean }>();
  if (itemIds.length === 0) return out;
  const ids = sql.join(itemIds.map((id) => sql`${id}`), sql`, `);
  const res = await db.execute(sql`
    select i.id as item_id, a.id, a.user_id, a.source, a.payload, a.confidence,
           (select count(*)::int from leases l where l.item_id = i.id and l.state = 'active') as leases_out,
           exists (select 1 from item_flags f where f.item_id = i.id and f.kind = 'sent-back' and f.resolved_at is null) as sent_back
    from items i left join annotations a on a.item_id = i.id and ${isStanding(A)}
    where i.id in (${ids})
    order by i.id, a.id`);
  for (const r of (res as unknown as { rows: Record<string, unknown>[] }).rows) {
    const itemId = Number(r.item_id);
    const entry = out.get(itemId) ?? { answers: [], leasesOut: Number(r.leases_out), sentBack: r.sent_back === true };
    if (r.id !== null && r.id !== undefined) {
      entry.answers.push({ id: Number(r.id), userId: r.user_id == null ? null : Number(r.user_id), source: r.source as StandingAnswerRow['source'], payload: r.payload, confidence: r.confidence == null ? null : Number(r.confidence) });
    }
    out.set(itemId, entry);
  }
  return out;
}

/** Sets many items' states in one statement. */
export async function setItemStates(db: Executor, states: ReadonlyMap<number, ItemState>): Promise<void> {
  if (states.size === 0) return;
  const values = sql.join([...states].map(([id, s]) => sql`(${id}::bigint, ${s}::text)`), sql`, `);
  await db.execute(sql`update items set status = v.s from (values ${values}) as v(id, s) where items.id = v.id`);
}

export async function setItemState(db: Executor, itemId: number, state: ItemState): Promise<void> {
  await db.update(items).set({ status: state }).where(eq(items.id, itemId));
}
