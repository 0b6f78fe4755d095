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
 * What settles an item, in one round trip: its standing answers (oldest first) and how many
 * leases on it are still out.
 */
export async function readItemAnswers(db: Executor, itemId: number): Promise<{ answers: StandingAnswerRow[]; leasesOut: number }> {
  const res = await db.execute(sql`
    select a.id, a.user_id, a.source, a.payload, a.confidence,
           (select count(*)::int from leases l where l.item_id = ${itemId} and l.state = 'active') as leases_out
    from (select 1) one
    left join annotations a on a.item_id = ${itemId} and ${isStanding(A)}
    order by a.id`);
  const rows = (res as unknown as { rows: Record<string, unknown>[] }).rows;
  return {
    leasesOut: rows.length > 0 ? Number(rows[0].leases_out) : 0,
    answers: rows.filter((r) => r.id !== null && r.id !== undefined).map((r) => ({
      id: Number(r.id), userId: r.user_id == null ? null : Number(r.user_id), source: r.source as StandingAnswerRow['source'],
      payload: r.payload, confidence: r.confidence == null ? null : Number(r.confidence),
    })),
  };
}

export async function setItemState(db: Executor, itemId: number, state: ItemState): Promise<void> {
  await db.update(items).set({ status: state }).where(eq(items.id, itemId));
}
