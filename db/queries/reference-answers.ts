import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { items } from '../schema';
import type { StoredAnswer } from './answers';

/**
 * Sets the hidden reference answers (items.reference_answer) of a project's items, matched by
 * their source name, in one statement. Items not named keep theirs; names without an item are
 * ignored. Returns how many items were set.
 */
export async function setReferenceAnswers(db: Executor, projectId: number, rows: readonly { sourceName: string; answer: StoredAnswer }[]): Promise<number> {
  if (rows.length === 0) return 0;
  const body = JSON.stringify(rows.map((r) => ({ source_name: r.sourceName, answer: r.answer })));
  const result = await db.execute(sql`
    update items i set reference_answer = r.answer
    from jsonb_to_recordset(${body}::jsonb) as r(source_name text, answer jsonb)
    where i.project_id = ${projectId} and i.source_name = r.source_name
    returning i.id`);
  return (result as unknown as { rows: unknown[] }).rows.length;
}

export interface ReferenceRow {
  itemId: number;
  sourceName: string;
  split: 'pool' | 'holdout';
  width: number | null;
  height: number | null;
  /** Stored form; decode with answers.ts `decodeAnswer` for the project's task. */
  answer: StoredAnswer;
}

/** A project's items that have a reference answer, by id: what simulations and scoring read. */
export async function listReferenceAnswers(db: Executor, projectId: number): Promise<ReferenceRow[]> {
  const rows = await db.select({
    itemId: items.id, sourceName: items.sourceName, split: items.split, width: items.width, height: items.height, answer: items.referenceAnswer,
  }).from(items).where(and(eq(items.projectId, projectId), isNotNull(items.referenceAnswer))).orderBy(asc(items.id));
  return rows.map((r) => ({ ...r, answer: r.answer as StoredAnswer }));
}
