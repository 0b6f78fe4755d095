import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { annotations, itemComments, itemFlags, items, leases, rankingEntries, users } from '../schema';
import { annotationAlias, isStanding, isTrainable, resolvedFirst } from './answers';
import type { ItemState } from '../../lib/agreement/item-state';

/** What an item's page and an annotator's own answers read: the item, every version, flags, comments, leases. */

export type ItemRow = typeof items.$inferSelect;

export async function findProjectItem(db: Executor, projectId: number, itemId: number): Promise<ItemRow | undefined> {
  const [row] = await db.select().from(items).where(and(eq(items.id, itemId), eq(items.projectId, projectId)));
  return row;
}

/** One stored version of an item's answer (a label or a retract) with who gave it. */
export interface VersionRow {
  id: number;
  action: 'label' | 'retract';
  source: 'human' | 'model' | 'consensus' | 'import' | 'review';
  payload: unknown;
  reason: string | null;
  confidence: number | null;
  retracts: number | null;
  userId: number | null;
  userName: string | null;
  userEmail: string | null;
  createdAt: Date;
}

/** Every version of the item's answer, oldest first, retracts included. */
export async function listItemVersions(db: Executor, itemId: number): Promise<VersionRow[]> {
  return db.select({
    id: annotations.id, action: annotations.action, source: annotations.source, payload: annotations.payload, reason: annotations.reason,
    confidence: annotations.confidence, retracts: annotations.retracts, userId: annotations.userId, userName: users.name, userEmail: users.email,
    createdAt: annotations.createdAt,
  }).from(annotations).leftJoin(users, eq(users.id, annotations.userId))
    .where(eq(annotations.itemId, itemId)).orderBy(asc(annotations.id));
}

export interface FlagRow {
  id: number;
  kind: 'annotator' | 'noisy-label' | 'weak-consensus' | 'sent-back';
  reason: string;
  comment: string | null;
  priority: number;
  userId: number | null;
  userName: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
}

export async function listItemFlags(db: Executor, itemId: number): Promise<FlagRow[]> {
  return db.select({
    id: itemFlags.id, kind: itemFlags.kind, reason: itemFlags.reason, comment: itemFlags.comment, priority: itemFlags.priority,
    userId: itemFlags.userId, userName: users.name, createdAt: itemFlags.createdAt, resolvedAt: itemFlags.resolvedAt,
  }).from(itemFlags).leftJoin(users, eq(users.id, itemFlags.userId))
    .where(eq(itemFlags.itemId, itemId)).orderBy(asc(itemFlags.id));
}

export interface CommentRow {
  id: number;
  body: string;
  userId: number | null;
  userName: string | null;
  /** Written by an admin or a lead of the project (as they are now): what an annotator who answered the item may read. */
  byLead: boolean;
  createdAt: Date;
}

/** The comment's author leads the project or is an admin. */
const byLead = sql<boolean>`(${users.role} = 'admin' or exists (select 1 from memberships m where m.project_id = ${itemComments.projectId} and m.user_id = ${itemComments.userId} and m.role = 'lead'))`;

export async function listItemComments(db: Executor, itemId: number): Promise<CommentRow[]> {
  const rows = await db.select({ id: itemComments.id, body: itemComments.body, userId: itemComments.userId, userName: users.name, byLead, createdAt: itemComments.createdAt })
    .from(itemComments).leftJoin(users, eq(users.id, itemComments.userId))
    .where(eq(itemComments.itemId, itemId)).orderBy(asc(itemComments.id));
  return rows.map((r) => ({ ...r, byLead: r.byLead === true }));
}

export interface ItemLeaseRow {
  id: number;
  stream: string;
  state: string;
  userId: number;
  userName: string | null;
  claimedAt: Date;
  endedAt: Date | null;
}

/** The item's leases, oldest first: which streams dealt it to whom. */
export async function listItemLeases(db: Executor, itemId: number): Promise<ItemLeaseRow[]> {
  return db.select({
    id: leases.id, stream: leases.stream, state: leases.state, userId: leases.userId, userName: users.name, claimedAt: leases.claimedAt, endedAt: leases.endedAt,
  }).from(leases).leftJoin(users, eq(users.id, leases.userId)).where(eq(leases.itemId, itemId)).orderBy(asc(leases.id));
}

export async function findRankingEntry(db: Executor, rankingId: number, itemId: number) {
  const [row] = await db.select({ predicted: rankingEntries.predicted, confidence: rankingEntries.confidence, uncertainty: rankingEntries.uncertainty, position: rankingEntries.position })
    .from(rankingEntries).where(and(eq(rankingEntries.rankingId, rankingId), eq(rankingEntries.itemId, itemId)));
  return row ?? null;
}

/** Whether the user ever gave a version of the item's answer (a label, even one taken back since). */
export async function hasAnswered(db: Executor, itemId: number, userId: number): Promise<boolean> {
  const res = await db.execute(sql`select exists (select 1 from annotations where item_id = ${itemId} and user_id = ${userId} and action = 'label') as yes`);
  return Boolean((res as unknown as { rows: { yes: boolean }[] }).rows[0]?.yes);
}

export async function insertFlag(db: Executor, row: typeof itemFlags.$inferInsert): Promise<number> {
  const [r] = await db.insert(itemFlags).values(row).returning({ id: itemFlags.id });
  return r.id;
}

export async function insertComment(db: Executor, row: typeof itemComments.$inferInsert): Promise<number> {
  const [r] = await db.insert(itemComments).values(row).returning({ id: itemComments.id });
  return r.id;
}

/** One of an annotator's own answers with where its item stands now. */
export interface MyAnswerRow {
  id: number;
  itemId: number;
  payload: unknown;
  createdAt: Date;
  /** The annotator took it back since (undo, reopen). */
  retracted: boolean;
  status: ItemState;
  /** Comments on the item by its leads and admins, and the newest of them (what the annotator is told about it). */
  leadComments: number;
  lastLeadComment: { body: string; by: string | null } | null;
  /** The standing version the item resolves to now (only for states that have one). */
  resolved: { id: number; source: string; payload: unknown; userId: number | null; userName: string | null; reason: string | null; confidence: number | null; at: Date } | null;
}

const A = annotationAlias('a');
const R = annotationAlias('r2');

/** The annotator's own answers in the project (or to one item), newest first, a page before `before` (an annotation id). */
export async function listMyAnswers(
  db: Executor, projectId: number, userId: number, before: number | undefined, limit: number, itemId?: number,
): Promise<MyAnswerRow[]> {
  const res = await db.execute(sql`
    select a.id, a.item_id, a.payload, a.created_at, i.status,
      exists (select 1 from annotations x where x.retracts = a.id) as retracted,
      res.id as res_id, res.source as res_source, res.payload as res_payload, res.user_id as res_user_id, u.name as res_user_name,
      res.reason as res_reason, res.confidence as res_confidence, res.created_at as res_at,
      lc.n as lead_comments, lc.body as lead_comment, lc.by as lead_comment_by
    from annotations a
    join items i on i.id = a.item_id
    left join lateral (
      select count(*) over () as n, c.body, cu.name as by from item_comments c join users cu on cu.id = c.user_id
      where c.item_id = a.item_id and (cu.role = 'admin' or exists (
        select 1 from memberships m where m.project_id = c.project_id and m.user_id = c.user_id and m.role = 'lead'))
      order by c.id desc limit 1
    ) lc on true
    left join lateral (
      select r2.id, r2.source, r2.payload, r2.user_id, r2.reason, r2.confidence, r2.created_at from annotations r2
      where r2.item_id = a.item_id and ${isStanding(R)} and ${isTrainable(sql`i.status`)}
      order by ${resolvedFirst(R)} limit 1
    ) res on true
    left join users u on u.id = res.user_id
    where a.project_id = ${projectId} and a.user_id = ${userId} and ${A.action} = 'label' and a.source = 'human'
      ${before === undefined ? sql`` : sql`and a.id < ${before}`}
      ${itemId === undefined ? sql`` : sql`and a.item_id = ${itemId}`}
    order by a.id desc limit ${limit}`);
  return (res as unknown as { rows: Record<string, unknown>[] }).rows.map((r) => ({
    id: Number(r.id), itemId: Number(r.item_id), payload: r.payload, createdAt: new Date(r.created_at as string),
    retracted: Boolean(r.retracted), status: r.status as ItemState,
    leadComments: r.lead_comments == null ? 0 : Number(r.lead_comments),
    lastLeadComment: r.lead_comment == null ? null : { body: String(r.lead_comment), by: r.lead_comment_by == null ? null : String(r.lead_comment_by) },
    resolved: r.res_id == null ? null : {
      id: Number(r.res_id), source: String(r.res_source), payload: r.res_payload, userId: r.res_user_id == null ? null : Number(r.res_user_id),
      userName: r.res_user_name == null ? null : String(r.res_user_name), reason: r.res_reason == null ? null : String(r.res_reason),
      confidence: r.res_confidence == null ? null : Number(r.res_confidence), at: new Date(r.res_at as string),
    },
  }));
}

/**
 * Who else holds the item now: active leases of other users that have not lapsed. Lapsed ones
 * are ended first (as the next claim would end them), so they neither count nor block a new lease.
 */
export async function otherHolders(db: Executor, itemId: number, userId: number, now: Date): Promise<{ userId: number; stream: string }[]> {
  await db.execute(sql`update leases set state = 'expired', ended_at = ${now.toISOString()}::timestamptz
    where item_id = ${itemId} and state = 'active' and expires_at < ${now.toISOString()}::timestamptz`);
  return db.select({ userId: leases.userId, stream: leases.stream }).from(leases)
    .where(and(eq(leases.itemId, itemId), eq(leases.state, 'active'), sql`${leases.userId} <> ${userId}`));
}

/** The caller's own active lease of the item, if they hold it already. */
export async function ownActiveLeaseOfItem(db: Executor, itemId: number, userId: number) {
  const [row] = await db.select().from(leases).where(and(eq(leases.itemId, itemId), eq(leases.userId, userId), eq(leases.state, 'active')));
  return row;
}

/**
 * One annotation locked for the rest of the transaction (two reopens of it wait for each other),
 * with whether a retract names it and whether a lead's decision stands for its item.
 */
export async function lockAnswer(db: Executor, annotationId: number) {
  const res = await db.execute(sql`
    select a.id, a.project_id, a.item_id, a.user_id, a.action, a.source,
      exists (select 1 from annotations x where x.retracts = a.id) as retracted,
      (select d.reason from annotations d where d.item_id = a.item_id and d.source = 'review' and ${isStanding(annotationAlias('d'))} order by d.id desc limit 1) as decision_reason,
      exists (select 1 from annotations d where d.item_id = a.item_id and d.source = 'review' and ${isStanding(annotationAlias('d'))}) as decided
    from annotations a where a.id = ${annotationId} for update of a`);
  const r = (res as unknown as { rows: Record<string, unknown>[] }).rows[0];
  if (!r) return null;
  return {
    id: Number(r.id), projectId: Number(r.project_id), itemId: Number(r.item_id), userId: r.user_id == null ? null : Number(r.user_id),
    action: String(r.action), source: String(r.source), retracted: Boolean(r.retracted), decided: Boolean(r.decided),
    decisionReason: r.decision_reason == null ? null : String(r.decision_reason),
  };
}
