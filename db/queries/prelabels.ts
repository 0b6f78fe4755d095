import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../client';
import { prelabels } from '../schema';

/** The newest prelabel of an item in the project (a model's or an import's), as stored. */
export async function findLatestPrelabel(db: Executor, projectId: number, itemId: number): Promise<{ source: 'import' | 'model'; payload: Record<string, unknown> } | null> {
  const [row] = await db.select({ source: prelabels.source, payload: prelabels.payload }).from(prelabels)
    .where(and(eq(prelabels.projectId, projectId), eq(prelabels.itemId, itemId)))
    .orderBy(desc(prelabels.id)).limit(1);
  return row ?? null;
}

/** The newest prelabel of each listed item of the project (the review list draws them beside the answers). */
export async function listLatestPrelabelsOf(db: Executor, projectId: number, itemIds: readonly number[]): Promise<{ itemId: number; source: 'import' | 'model'; payload: Record<string, unknown> }[]> {
  if (itemIds.length === 0) return [];
  const rows = await db.selectDistinctOn([prelabels.itemId], { itemId: prelabels.itemId, source: prelabels.source, payload: prelabels.payload }).from(prelabels)
    .where(and(eq(prelabels.projectId, projectId), inArray(prelabels.itemId, [...itemIds])))
    .orderBy(prelabels.itemId, desc(prelabels.id));
  return rows;
}

/** Whether any item of the project came with an imported prelabel. */
export async function projectHasImportedPrelabels(db: Executor, projectId: number): Promise<boolean> {
  const [row] = await db.select({ id: prelabels.id }).from(prelabels)
    .where(and(eq(prelabels.projectId, projectId), eq(prelabels.source, 'import'))).limit(1);
  return row !== undefined;
}
