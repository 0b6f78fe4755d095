import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { itemFlags } from '../schema';
import { A, isStanding } from './answers';

export interface ReviewItemRow {
  id: number;
  status: string;
  split: string;
  width: number | null;
  height: number | null;
  sourceName: string;
  /** The highest priority among the item's open flags (0 for a dispute without one). */
  priority: number;
}

/**
 * The lead's review list: disputed items and items with an open flag, the most important first
 * (a flag's priority, then disputes before flags of resolved items, then oldest).
 */
export async function listReviewItems(db: Executor, projectId: number, limit: number): Promise<ReviewItemRow[]> {
  const res = await db.execute(sql`
    with flagged as (
      select item_id, max(priority) as priority from item_flags
      where project_id = ${projectId} and resolved_at is null group by item_id),
    candidates as (
      select i.id, coalesce(f.priority, 0) as priority from items i left join flagged f on f.item_id = i.id
      where i.project_id = ${projectId} and i.status = 'disputed'
      union
      select f.item_id, f.priority from flagged f)
    select i.id, i.status, i.split, i.width, i.height, i.source_name, c.priority
    from candidates c join items i on i.id = c.id
    order by c.priority desc, (i.status = 'disputed') desc, i.id
    limit ${limit}`);
  return (res as unknown as { rows: Record<string, unknown>[] }).rows.map((r) => ({
    id: Number(r.id), status: String(r.status), split: String(r.split), sourceName: String(r.source_name),
    width: r.width == null ? null : Number(r.width), height: r.height == null ? null : Number(r.height), priority: Number(r.priority),
  }));
}

/** How many items wait for review (the list's length without its limit). */
export async function countReviewItems(db: Executor, projectId: number): Promise<number> {
  const res = await db.execute(sql`
    select count(*)::int as n from items i
    where i.project_id = ${projectId}
      and (i.status = 'disputed' or exists (select 1 from item_flags f where f.item_id = i.id and f.resolved_at is null))`);
  return Number((res as unknown as { rows: { n: unknown }[] }).rows[0].n);
}

export interface ItemAnswerView {
  id: number;
  itemId: number;
  userId: number | null;
  userName: string | null;
  source: string;
  payload: unknown;
  confidence: number | null;
  reason: string | null;
  createdAt: Date;
}

/** The standing answers of some items, oldest first, with who gave them. */
export async function listStandingAnswersOf(db: Executor, itemIds: readonly number[]): Promise<ItemAnswerView[]> {
  if (itemIds.length === 0) return [];
  const res = await db.execute(sql`
    select a.id, a.item_id, a.user_id, u.name as user_name, a.source, a.payload, a.confidence, a.reason, a.created_at
    from annotations a left join users u on u.id = a.user_id
    where a.item_id in (${sql.join(itemIds.map((id) => sql`${id}`), sql`, `)}) and ${isStanding(A)}
    order by a.item_id, a.id`);
  return (res as unknown as { rows: Record<string, unknown>[] }).rows.map((r) => ({
    id: Number(r.id), itemId: Number(r.item_id), userId: r.user_id == null ? null : Number(r.user_id),
    userName: r.user_name == null ? null : String(r.user_name), source: String(r.source), payload: r.payload,
    confidence: r.confidence == null ? null : Number(r.confidence), reason: r.reason == null ? null : String(r.reason),
    createdAt: r.created_at instanceof Date ? r.created_at : new Date(String(r.created_at)),
  }));
}

export interface FlagView { id: number; itemId: number; kind: string; reason: string; comment: string | null; priority: number; userName: string | null; createdAt: Date }

export async function listOpenFlagsOf(db: Executor, itemIds: readonly number[]): Promise<FlagView[]> {
  if (itemIds.length === 0) return [];
  const res = await db.execute(sql`
    select f.id, f.item_id, f.kind, f.reason, f.comment, f.priority, u.name as user_name, f.created_at
    from item_flags f left join users u on u.id = f.user_id
    where f.item_id in (${sql.join(itemIds.map((id) => sql`${id}`), sql`, `)}) and f.resolved_at is null
    order by f.item_id, f.priority desc, f.id`);
  return (res as unknown as { rows: Record<string, unknown>[] }).rows.map((r) => ({
    id: Number(r.id), itemId: Number(r.item_id), kind: String(r.kind), reason: String(r.reason), comment: r.comment == null ? null : String(r.comment),
    priority: Number(r.priority), userName: r.user_name == null ? null : String(r.user_name),
    createdAt: r.created_at instanceof Date ? r.created_at : new Date(String(r.created_at)),
  }));
}

/** The model's newest guess for some items: the applied ranking's entry (classes). */
export async function listPredictionsOf(db: Executor, projectId: number, itemIds: readonly number[]): Promise<{ itemId: number; predicted: string | null; confidence: number | null }[]> {
  if (itemIds.length === 0) return [];
  const res = await db.execute(sql`
    select e.item_id, e.predicted, e.confidence from ranking_entries e
    where e.ranking_id = (select id from rankings where project_id = ${projectId} and status = 'applied' order by id desc limit 1)
      and e.item_id in (${sql.join(itemIds.map((id) => sql`${id}`), sql`, `)})`);
  return (res as unknown as { rows: Record<string, unknown>[] }).rows.map((r) => ({
    itemId: Number(r.item_id), predicted: r.predicted == null ? null : String(r.predicted), confidence: r.confidence == null ? null : Number(r.confidence),
  }));
}

/** Closes an item's open flags (a lead decided it). */
export async function closeFlagsOf(db: Executor, itemId: number, at: Date): Promise<void> {
  await db.update(itemFlags).set({ resolvedAt: at }).where(and(eq(itemFlags.itemId, itemId), isNull(itemFlags.resolvedAt)));
}

/** The items of an annotator's newest standing answers in a project. */
export async function recentAnsweredItems(db: Executor, projectId: number, userId: number, count: number): Promise<number[]> {
  const res = await db.execute(sql`
    select a.item_id from annotations a
    where a.project_id = ${projectId} and a.user_id = ${userId} and a.source = 'human' and ${isStanding(A)}
    order by a.id desc limit ${count}`);
  return (res as unknown as { rows: { item_id: unknown }[] }).rows.map((r) => Number(r.item_id));
}

/** Raises a server or lead flag on items; an open flag of the same kind on an item is updated in place. */
export async function upsertFlags(db: Executor, flags: { projectId: number; itemId: number; kind: 'noisy-label' | 'weak-consensus' | 'sent-back'; reason: string; comment?: string | null; priority: number; detail?: Record<string, unknown> | null; userId?: number | null }[]): Promise<void> {
  if (flags.length === 0) return;
  await db.insert(itemFlags).values(flags.map((f) => ({ ...f, comment: f.comment ?? null, detail: f.detail ?? null, userId: f.userId ?? null })))
    .onConflictDoUpdate({
      target: [itemFlags.itemId, itemFlags.kind],
      targetWhere: sql`resolved_at is null and kind <> 'annotator'`,
      set: { reason: sql`excluded.reason`, comment: sql`excluded.comment`, priority: sql`excluded.priority`, detail: sql`excluded.detail` },
    });
}
