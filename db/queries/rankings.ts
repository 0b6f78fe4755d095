import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { annotations, items, modelVersions, rankingEntries, rankings } from '../schema';
import { A, classLabelSql, isStanding, isTrainable, resolvedFirst } from './answers';

export type RankingRow = typeof rankings.$inferSelect;
export type ModelVersionRow = typeof modelVersions.$inferSelect;

export async function findReceivingRanking(db: Executor, jobId: number): Promise<RankingRow | undefined> {
  const [r] = await db.select().from(rankings).where(and(eq(rankings.jobId, jobId), eq(rankings.status, 'receiving')));
  return r;
}

export async function insertRanking(db: Executor, row: { projectId: number; jobId: number; strategy: string; labelCount: number }): Promise<RankingRow> {
  const [r] = await db.insert(rankings).values({ ...row, status: 'receiving' }).returning();
  return r;
}

/** Stores one chunk's entries, replacing what an earlier upload of the same chunk stored. */
export async function replaceChunkEntries(db: Executor, rankingId: number, chunk: number, entries: { itemId: number; score: number; predicted?: string; confidence?: number; uncertainty?: number }[]): Promise<void> {
  await db.delete(rankingEntries).where(and(eq(rankingEntries.rankingId, rankingId), eq(rankingEntries.chunk, chunk)));
  for (let i = 0; i < entries.length; i += 5000) {
    await db.insert(rankingEntries).values(entries.slice(i, i + 5000).map((e) => ({ rankingId, chunk, position: 0, ...e, predicted: e.predicted ?? null, confidence: e.confidence ?? null, uncertainty: e.uncertainty ?? null })));
  }
}

/** A ranking's entries, and how many carry a model's guess (none: a ranking no model made). */
export async function countRankingGuesses(db: Executor, rankingId: number): Promise<{ entries: number; predicted: number }> {
  const [r] = await db.select({ entries: sql<number>`count(*)::int`, predicted: sql<number>`count(${rankingEntries.predicted})::int` })
    .from(rankingEntries).where(eq(rankingEntries.rankingId, rankingId));
  return r;
}

export async function countChunks(db: Executor, rankingId: number): Promise<{ chunks: number; entries: number }> {
  const [r] = await db.select({ chunks: sql<number>`count(distinct ${rankingEntries.chunk})::int`, entries: sql<number>`count(*)::int` })
    .from(rankingEntries).where(eq(rankingEntries.rankingId, rankingId));
  return r;
}

/** Which of these item ids are not items of the project (a bad upload names them). */
export async function findForeignItemIds(db: Executor, projectId: number, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const res = await db.execute(sql`
    select x.id from unnest(${sql.raw(`ARRAY[${ids.map((i) => Math.trunc(i)).join(',')}]::bigint[]`)}) as x(id)
    where not exists (select 1 from ${items} i where i.id = x.id and i.project_id = ${projectId})
    limit 10`);
  return (res as unknown as { rows: { id: string | number }[] }).rows.map((r) => Number(r.id));
}

/** Positions by score (highest first) over the whole ranking, computed once when it is complete. */
export async function assignPositions(db: Executor, rankingId: number): Promise<void> {
  await db.execute(sql`
    update ${rankingEntries} e set position = o.pos from (
      select item_id, (row_number() over (order by score desc, item_id))::int - 1 as pos
      from ${rankingEntries} where ranking_id = ${rankingId}
    ) o where e.ranking_id = ${rankingId} and e.item_id = o.item_id`);
}

export async function supersedeApplied(db: Executor, projectId: number): Promise<void> {
  await db.update(rankings).set({ status: 'superseded' }).where(and(eq(rankings.projectId, projectId), eq(rankings.status, 'applied')));
}

export async function markApplied(db: Executor, rankingId: number, modelVersionId: number, strategy: string, labelCount: number, embeddingSpace: string | null = null, lead = 0): Promise<void> {
  await db.update(rankings).set({ status: 'applied', modelVersionId, strategy, labelCount, embeddingSpace, lead }).where(eq(rankings.id, rankingId));
}

export async function insertModelVersion(db: Executor, row: typeof modelVersions.$inferInsert): Promise<ModelVersionRow> {
  const [r] = await db.insert(modelVersions).values(row).returning();
  return r;
}

export async function findAppliedRanking(db: Executor, projectId: number): Promise<RankingRow | undefined> {
  const [r] = await db.select().from(rankings).where(and(eq(rankings.projectId, projectId), eq(rankings.status, 'applied')))
    .orderBy(desc(rankings.id)).limit(1);
  return r;
}

export async function countRankingEntries(db: Executor, rankingId: number): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(rankingEntries).where(eq(rankingEntries.rankingId, rankingId));
  return r.n;
}

export async function listModelVersions(db: Executor, projectId: number): Promise<ModelVersionRow[]> {
  return db.select().from(modelVersions).where(eq(modelVersions.projectId, projectId)).orderBy(asc(modelVersions.id));
}

/**
 * Resolved answers of a project, paged by item id, for trainers: a lead's decision, a consensus or
 * a person's answer (`resolvedFirst`); disputed items are left out until someone settles them.
 */
export async function pageCurrentLabels(db: Executor, projectId: number, afterItemId: number, limit: number): Promise<{ itemId: number; label: string | null; payload: unknown }[]> {
  const res = await db.execute(sql`
    select distinct on (a.item_id) a.item_id as "itemId", ${classLabelSql(A.payload)} as label, a.payload
    from ${annotations} a join ${items} i on i.id = a.item_id
    where a.project_id = ${projectId} and a.item_id > ${afterItemId} and ${isStanding(A)} and ${isTrainable(sql`i.status`)}
    order by a.item_id, ${resolvedFirst(A)}
    limit ${limit}`);
  return (res as unknown as { rows: { itemId: string | number; label: string | null; payload: unknown }[] }).rows.map((r) => ({ itemId: Number(r.itemId), label: r.label, payload: r.payload }));
}

export async function pageItems(db: Executor, projectId: number, afterId: number, limit: number) {
  return db.select({
    id: items.id, split: items.split, status: items.status, mediaType: items.mediaType, width: items.width, height: items.height, groupKey: items.groupKey,
  }).from(items).where(and(eq(items.projectId, projectId), gt(items.id, afterId))).orderBy(asc(items.id)).limit(limit);
}

/** Items with a resolved answer now (any source): what staleness and the retrain trigger count. */
export async function countStandingLabels(db: Executor, projectId: number): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(items).where(and(eq(items.projectId, projectId), isTrainable(sql`${items.status}`)));
  return r.n;
}

/** The first open items of a ranking, in dealing order: what the model asks for next. */
export async function listRankingHead(db: Executor, rankingId: number, limit: number) {
  return db.select({ itemId: rankingEntries.itemId, score: rankingEntries.score, predicted: rankingEntries.predicted, confidence: rankingEntries.confidence, uncertainty: rankingEntries.uncertainty })
    .from(rankingEntries).innerJoin(items, eq(items.id, rankingEntries.itemId))
    .where(and(eq(rankingEntries.rankingId, rankingId), eq(items.status, 'open')))
    .orderBy(asc(rankingEntries.position)).limit(limit);
}

/**
 * How the model's uncertainty spreads over a ranking's still-open items:
 * counts in `bins` equal bins over [0, 1] (1 falls in the last), and the
 * entries without one (a trainer that does not send it).
 */
export async function uncertaintyHistogram(db: Executor, rankingId: number, bins: number): Promise<{ bins: number[]; unknown: number }> {
  // Through numeric: a real's 0.7 is 0.69999999 as a double and would fall a bin short.
  const res = await db.execute(sql`
    select floor(e.uncertainty::numeric * ${bins})::int as bin, count(*)::int as n
    from ${rankingEntries} e join ${items} i on i.id = e.item_id
    where e.ranking_id = ${rankingId} and i.status = 'open'
    group by 1`);
  const out = { bins: new Array<number>(bins).fill(0), unknown: 0 };
  for (const r of (res as unknown as { rows: { bin: number | null; n: number }[] }).rows) {
    if (r.bin === null) out.unknown += Number(r.n);
    else out.bins[Math.min(bins - 1, Math.max(0, Number(r.bin)))] += Number(r.n);
  }
  return out;
}
