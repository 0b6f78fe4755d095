import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Executor } from '../client';
import { items } from '../schema';
import type { StoredAnswer } from './answers';

/** An item's hidden reference answer (items.reference_answer: set by an import `--as reference`, never shown to annotators). */
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
