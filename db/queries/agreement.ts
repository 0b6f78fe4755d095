import { sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { A, classLabelSql, isStanding } from './answers';

/** One standing human class answer, with its item's gold class when the item has one. */
export interface ClassRatingRow {
  itemId: number;
  userId: number;
  email: string;
  label: string;
  /** The item's reference (gold) class from the import, or null. */
  gold: string | null;
}

/**
 * Every standing human answer of a classification project, oldest first (so that, should an
 * annotator have two standing versions of one item, the later one comes last and counts):
 * the ratings agreement and consensus are computed from. Answers of deleted users and answers
 * without a class are left out.
 */
export async function listClassRatings(db: Executor, projectId: number): Promise<ClassRatingRow[]> {
  const res = await db.execute(sql`
    select a.item_id as "itemId", a.user_id as "userId", u.email, ${classLabelSql(A.payload)} as label, i.reference_label as gold
    from annotations a
    join users u on u.id = a.user_id
    join items i on i.id = a.item_id
    where a.project_id = ${projectId} and a.source = 'human' and ${isStanding(A)} and ${classLabelSql(A.payload)} is not null
    order by a.id`);
  const rows = (res as unknown as { rows: Record<string, unknown>[] }).rows;
  return rows.map((r) => ({
    itemId: Number(r.itemId), userId: Number(r.userId), email: String(r.email), label: String(r.label), gold: r.gold == null ? null : String(r.gold),
  }));
}
