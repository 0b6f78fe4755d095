import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../client';
import { prelabels } from '../schema';

/** The newest prelabel of an item in the project (a model's or an import's), as stored. */
export async function findLatestPrelabel(db: Executor, projectId: number, itemId: number): Promise<{ source: 'import' | 'model'; payload: Record<string, unknown> } | null> {
  const [row] = await db.select({ source: prelabels.source, payload: prelabels.payload }).from(prelabels)
    .where(and(eq(prelabels.projectId, projectId), eq(prelabels.itemId, itemId)))
    .orderBy(desc(prelabels.id)).limit(1);
  return row ?? null;
}

/** Whether any item of the project came with an imported prelabel. */
export async function projectHasImportedPrelabels(db: Executor, projectId: number): Promise<boolean> {
  const [row] = await db.select({ id: prelabels.id }).from(prelabels)
    .where(and(eq(prelabels.projectId, projectId), eq(prelabels.source, 'import'))).limit(1);
  return row !== undefined;
}
