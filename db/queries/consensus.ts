import { sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { agreementSnapshots, annotations } from '../schema';
import { A, classLabelSql, isStanding, isTrainable, resolvedFirst, type StoredAnswer } from './answers';

/** An item answered by two people or more, with the consensus that stands for it now. */
export interface OverlappedItem {
  itemId: number;
  status: string;
  /** The consensus version newer than every person's answer (an older one speaks for fewer answers). */
  consensus: { payload: unknown; confidence: number | null } | null;
}

/** Every item of the project with at least two standing answers by people, and its current consensus: one pass over the answers. */
export async function listOverlappedItems(db: Executor, projectId: number): Promise<OverlappedItem[]> {
  const res = await db.execute(sql`
    with standing as (
      select a.id, a.item_id, a.source, a.payload, a.confidence from annotations a
      where a.project_id = ${projectId} and a.source in ('human', 'import', 'consensus') and ${isStanding(A)}),
    people as (
      select item_id, max(id) as newest from standing where source <> 'consensus'
      group by item_id having count(*) >= 2),
    newest_consensus as (
      select distinct on (item_id) item_id, id, payload, confidence from standing where source = 'consensus'
      order by item_id, id desc)
    select p.item_id, i.status,
           case when c.id > p.newest then c.payload end as payload,
           case when c.id > p.newest then c.confidence end as confidence
    from people p join items i on i.id = p.item_id
    left join newest_consensus c on c.item_id = p.item_id`);
  return (res as unknown as { rows: Record<string, unknown>[] }).rows.map((r) => ({
    itemId: Number(r.item_id), status: String(r.status),
    consensus: r.payload == null ? null : { payload: r.payload, confidence: r.confidence == null ? null : Number(r.confidence) },
  }));
}

export async function insertConsensusVersions(db: Executor, projectId: number, rows: { itemId: number; payload: StoredAnswer; confidence: number; reason: string }[]): Promise<void> {
  for (let at = 0; at < rows.length; at += 1000) {
    await db.insert(annotations).values(rows.slice(at, at + 1000).map((r) => ({
      projectId, itemId: r.itemId, userId: null, action: 'label' as const, payload: r.payload, source: 'consensus' as const, confidence: r.confidence, reason: r.reason,
    })));
  }
}

/** Closes the server's weak-consensus flags of items no longer disputed. */
export async function closeSettledWeakFlags(db: Executor, projectId: number, at: Date): Promise<void> {
  await db.execute(sql`
    update item_flags f set resolved_at = ${at.toISOString()}::timestamptz
    from items i where i.id = f.item_id and f.project_id = ${projectId} and f.kind = 'weak-consensus'
      and f.resolved_at is null and i.status <> 'disputed'`);
}

/** Human answers per annotator in the last hour: their current pace. */
export async function answersInLastHour(db: Executor, projectId: number, now: Date): Promise<Map<number, number>> {
  const res = await db.execute(sql`
    select user_id, count(*)::int as n from annotations
    where project_id = ${projectId} and source = 'human' and action = 'label' and created_at > ${new Date(now.getTime() - 3_600_000).toISOString()}::timestamptz
    group by user_id`);
  return new Map((res as unknown as { rows: { user_id: unknown; n: unknown }[] }).rows.filter((r) => r.user_id != null).map((r) => [Number(r.user_id), Number(r.n)]));
}

/**
 * Keeps the project's agreement summary: one snapshot per project and minute, the newest summary
 * of the minute replacing the one before it. A recompute follows every burst of labels (up to once
 * a second): a row each would grow the table by tens of thousands of rows a day of labeling and
 * leave the history's last 200 snapshots covering a few minutes.
 */
export async function insertSnapshot(db: Executor, projectId: number, answers: number, summary: Record<string, unknown>, now: Date = new Date()): Promise<number> {
  const at = now.toISOString();
  const res = await db.execute(sql`
    update agreement_snapshots set answers = ${answers}, summary = ${JSON.stringify(summary)}::jsonb, created_at = ${at}::timestamptz
    where id = (
      select id from agreement_snapshots
      where project_id = ${projectId} and created_at >= date_trunc('minute', ${at}::timestamptz) and created_at <= ${at}::timestamptz
      order by id desc limit 1)
    returning id`);
  const [updated] = (res as unknown as { rows: { id: unknown }[] }).rows;
  if (updated) return Number(updated.id);
  const [row] = await db.insert(agreementSnapshots).values({ projectId, answers, summary, createdAt: now }).returning({ id: agreementSnapshots.id });
  return row.id;
}

export async function listSnapshots(db: Executor, projectId: number, limit: number): Promise<{ id: number; answers: number; summary: Record<string, unknown>; createdAt: Date }[]> {
  const res = await db.execute(sql`
    select id, answers, summary, created_at from (
      select * from agreement_snapshots where project_id = ${projectId} order by id desc limit ${limit}) s
    order by id`);
  return (res as unknown as { rows: Record<string, unknown>[] }).rows.map((r) => ({
    id: Number(r.id), answers: Number(r.answers), summary: r.summary as Record<string, unknown>,
    createdAt: r.created_at instanceof Date ? r.created_at : new Date(String(r.created_at)),
  }));
}

/** The class a lead decided per item (the newest standing decision): known answers the consensus takes as given. */
export async function listDecidedClasses(db: Executor, projectId: number): Promise<Map<number, string>> {
  const res = await db.execute(sql`
    select distinct on (a.item_id) a.item_id, ${classLabelSql(A.payload)} as label from annotations a
    where a.project_id = ${projectId} and a.source = 'review' and ${isStanding(A)}
    order by a.item_id, a.id desc`);
  return new Map((res as unknown as { rows: { item_id: unknown; label: unknown }[] }).rows.filter((r) => r.label != null).map((r) => [Number(r.item_id), String(r.label)]));
}

/** Every standing answer people gave to the project's items (spatial agreement reads them all). */
export async function listPeopleAnswers(db: Executor, projectId: number): Promise<{ itemId: number; userId: number; email: string; payload: unknown }[]> {
  const res = await db.execute(sql`
    select a.item_id, a.user_id, u.email, a.payload from annotations a join users u on u.id = a.user_id
    where a.project_id = ${projectId} and a.source = 'human' and ${isStanding(A)}
    order by a.item_id, a.id`);
  return (res as unknown as { rows: Record<string, unknown>[] }).rows.map((r) => ({
    itemId: Number(r.item_id), userId: Number(r.user_id), email: String(r.email), payload: r.payload,
  }));
}

/** The embedding space of the ranking the queue deals from (the model's features), or null. */
export async function appliedEmbeddingSpace(db: Executor, projectId: number): Promise<string | null> {
  const res = await db.execute(sql`
    select embedding_space from rankings where project_id = ${projectId} and status = 'applied' order by id desc limit 1`);
  const [r] = (res as unknown as { rows: { embedding_space: string | null }[] }).rows;
  return r?.embedding_space ?? null;
}

/**
 * The resolved class of the project's newest trainable items that have a vector in the space, at
 * most `limit` (the noisy-label check's exact kNN is quadratic in them).
 */
export async function listResolvedWithVectors(db: Executor, projectId: number, space: string, limit: number): Promise<{ itemId: number; label: string; dim: number; vector: Uint8Array }[]> {
  const res = await db.execute(sql`
    select r.item_id, r.label, e.dim, e.vector from (
      select distinct on (a.item_id) a.item_id, ${classLabelSql(A.payload)} as label
      from annotations a join items i on i.id = a.item_id
      where a.project_id = ${projectId} and ${isStanding(A)} and ${isTrainable(sql`i.status`)}
      order by a.item_id desc, ${resolvedFirst(A)}) r
    join embeddings e on e.project_id = ${projectId} and e.space = ${space} and e.item_id = r.item_id
    where r.label is not null
    order by r.item_id desc limit ${limit}`);
  return (res as unknown as { rows: Record<string, unknown>[] }).rows.map((r) => ({
    itemId: Number(r.item_id), label: String(r.label), dim: Number(r.dim),
    vector: r.vector instanceof Uint8Array ? r.vector : new Uint8Array(r.vector as ArrayBuffer),
  }));
}

/** Closes the open noisy-label flags of the project except those of `keep` items (a new check replaces the old). */
export async function closeNoisyLabelFlagsExcept(db: Executor, projectId: number, keep: readonly number[], at: Date): Promise<void> {
  await db.execute(sql`
    update item_flags set resolved_at = ${at.toISOString()}::timestamptz
    where project_id = ${projectId} and kind = 'noisy-label' and resolved_at is null
      ${keep.length > 0 ? sql`and item_id not in (${sql.join(keep.map((id) => sql`${id}`), sql`, `)})` : sql``}`);
}

/** A change to the project's human class answers since `afterId`: a new answer, or a retraction of one. */
export type ClassAnswerChange =
  | { kind: 'label'; id: number; itemId: number; userId: number; label: string | null; gold: string | null }
  | { kind: 'retract'; id: number; retracts: number };

/**
 * Human class answers and retractions newer than `afterId`, oldest first: what a mirror of the answers applies.
 * The gold label is looked up per row, not joined: with statistics older than the answers (PGlite
 * has no autovacuum) the planner merge-joined along the items' whole primary key, 33 ms on
 * 100,000 items for the few rows a recompute reads, on the thread that answers claims.
 */
export async function listClassAnswerChanges(db: Executor, projectId: number, afterId: number): Promise<ClassAnswerChange[]> {
  const res = await db.execute(sql`
    select a.id, a.action, a.retracts, a.item_id, a.user_id, ${classLabelSql(A.payload)} as label,
      (select i.reference_label from items i where i.id = a.item_id) as gold
    from annotations a
    where a.project_id = ${projectId} and a.id > ${afterId} and a.user_id is not null
      and ((a.action = 'label' and a.source = 'human') or a.action = 'retract')
    order by a.id`);
  return (res as unknown as { rows: Record<string, unknown>[] }).rows.map((r) => (r.action === 'retract'
    ? { kind: 'retract' as const, id: Number(r.id), retracts: Number(r.retracts) }
    : { kind: 'label' as const, id: Number(r.id), itemId: Number(r.item_id), userId: Number(r.user_id), label: r.label == null ? null : String(r.label), gold: r.gold == null ? null : String(r.gold) }));
}

/** Items' states by id. */
export async function itemStatesOf(db: Executor, itemIds: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let at = 0; at < itemIds.length; at += 5000) {
    const res = await db.execute(sql`select id, status from items where id in (${sql.join(itemIds.slice(at, at + 5000).map((id) => sql`${id}`), sql`, `)})`);
    for (const r of (res as unknown as { rows: { id: unknown; status: unknown }[] }).rows) out.set(Number(r.id), String(r.status));
  }
  return out;
}

export async function userEmails(db: Executor, userIds: readonly number[]): Promise<Map<number, string>> {
  if (userIds.length === 0) return new Map();
  const res = await db.execute(sql`select id, email from users where id in (${sql.join(userIds.map((id) => sql`${id}`), sql`, `)})`);
  return new Map((res as unknown as { rows: { id: unknown; email: unknown }[] }).rows.map((r) => [Number(r.id), String(r.email)]));
}
