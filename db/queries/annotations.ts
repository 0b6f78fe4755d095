import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { annotations } from '../schema';
import { A, ANNOTATIONS, classLabelSql, isStanding, isTrainable, resolvedFirst } from './answers';

export type AnnotationRow = typeof annotations.$inferSelect;

export async function findByClientKey(db: Executor, userId: number, clientKey: string): Promise<AnnotationRow | undefined> {
  const [row] = await db.select().from(annotations)
    .where(and(eq(annotations.userId, userId), eq(annotations.clientKey, clientKey)));
  return row;
}

export async function insertAnnotation(db: Executor, a: typeof annotations.$inferInsert): Promise<AnnotationRow> {
  const [row] = await db.insert(annotations).values(a).returning();
  return row;
}

/** The annotator's newest label in the project that has not been retracted: what Undo takes back. */
export async function findLastLiveLabel(db: Executor, projectId: number, userId: number): Promise<AnnotationRow | undefined> {
  const [row] = await db.select().from(annotations)
    .where(and(
      eq(annotations.projectId, projectId), eq(annotations.userId, userId), isStanding(ANNOTATIONS),
    ))
    .orderBy(desc(annotations.id)).limit(1);
  return row;
}

/** Labels by this annotator that still stand (labels minus retractions). */
export async function countLiveLabelsOfUser(db: Executor, projectId: number, userId: number): Promise<number> {
  const [row] = await db.select({
    n: sql<number>`(count(*) filter (where ${annotations.action} = 'label') - count(*) filter (where ${annotations.action} = 'retract'))::int`,
  }).from(annotations).where(and(eq(annotations.projectId, projectId), eq(annotations.userId, userId)));
  return row.n;
}

export interface CurrentLabel {
  itemId: number;
  sourceName: string;
  groupKey: string;
  split: string;
  width: number | null;
  height: number | null;
  /** The media store's key of the item's file. */
  media: string;
  /** The class, for a classification answer (null for other task types). */
  label: string | null;
  /** The answer as stored (decode with `decodeAnswer` and the project's task). */
  payload: unknown;
  source: string;
  userEmail: string | null;
  labeledAt: Date;
}

/**
 * The resolved answer per item (the export's rows): a lead's decision, a consensus or a person's
 * answer, as `resolvedFirst` orders them; disputed items wait for a decision.
 */
export async function listCurrentLabels(db: Executor, projectId: number): Promise<CurrentLabel[]> {
  const res = await db.execute(sql`
    select distinct on (a.item_id)
      a.item_id as "itemId", i.source_name as "sourceName", i.group_key as "groupKey", i.split, i.width, i.height, i.media,
      ${classLabelSql(A.payload)} as label, a.payload, a.source, u.email as "userEmail", a.created_at as "labeledAt"
    from annotations a
    join items i on i.id = a.item_id
    left join users u on u.id = a.user_id
    where a.project_id = ${projectId} and ${isStanding(A)} and ${isTrainable(sql`i.status`)}
    order by a.item_id, ${resolvedFirst(A)}`);
  const rows = (res as unknown as { rows: Record<string, unknown>[] }).rows;
  return rows.map((r) => ({
    itemId: Number(r.itemId), sourceName: String(r.sourceName), groupKey: String(r.groupKey), split: String(r.split),
    width: r.width == null ? null : Number(r.width), height: r.height == null ? null : Number(r.height), media: String(r.media),
    label: r.label == null ? null : String(r.label), payload: r.payload, source: String(r.source), userEmail: r.userEmail == null ? null : String(r.userEmail),
    labeledAt: r.labeledAt instanceof Date ? r.labeledAt : new Date(String(r.labeledAt)),
  }));
}

/**
 * Every standing answer of the project, one row per answer (an item answered by three people
 * gives three rows, and its consensus or a lead's decision a row of its own), oldest first:
 * the export of every answer, where agreement can be measured again.
 */
export async function listStandingAnswers(db: Executor, projectId: number): Promise<CurrentLabel[]> {
  const res = await db.execute(sql`
    select a.item_id as "itemId", i.source_name as "sourceName", i.group_key as "groupKey", i.split, i.width, i.height, i.media,
      ${classLabelSql(A.payload)} as label, a.payload, a.source, u.email as "userEmail", a.created_at as "labeledAt"
    from annotations a
    join items i on i.id = a.item_id
    left join users u on u.id = a.user_id
    where a.project_id = ${projectId} and ${isStanding(A)} and a.source <> 'model'
    order by a.item_id, a.id`);
  const rows = (res as unknown as { rows: Record<string, unknown>[] }).rows;
  return rows.map((r) => ({
    itemId: Number(r.itemId), sourceName: String(r.sourceName), groupKey: String(r.groupKey), split: String(r.split),
    width: r.width == null ? null : Number(r.width), height: r.height == null ? null : Number(r.height), media: String(r.media),
    label: r.label == null ? null : String(r.label), payload: r.payload, source: String(r.source), userEmail: r.userEmail == null ? null : String(r.userEmail),
    labeledAt: r.labeledAt instanceof Date ? r.labeledAt : new Date(String(r.labeledAt)),
  }));
}
