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

export async function setItemState(db: Executor, itemId: number, state: ItemState): Promise<void> {
  await db.update(items).set({ status: state }).where(eq(items.id, itemId));
}
