import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { annotations, imports, items, projects } from '../schema';

export type NewItem = typeof items.$inferInsert;

/** Which of these content hashes the project has already (an import's duplicates). */
export async function findExistingHashes(db: Executor, projectId: number, hashes: string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await db.select({ h: items.contentHash }).from(items)
    .where(and(eq(items.projectId, projectId), inArray(items.contentHash, hashes)));
  return new Set(rows.map((r) => r.h));
}

/**
 * Inserts items with their imported labels in one transaction: an item is
 * never stored without its label, nor twice (the content hash is unique).
 */
export async function insertItemsWithLabels(db: Executor, rows: { item: NewItem; label?: string }[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db.insert(items).values(rows.map((r) => r.item)).onConflictDoNothing()
    .returning({ id: items.id, hash: items.contentHash });
  const idByHash = new Map(inserted.map((r) => [r.hash, r.id]));
  const labels = rows.filter((r) => r.label !== undefined && idByHash.has(r.item.contentHash)).map((r) => ({
    projectId: r.item.projectId, itemId: idByHash.get(r.item.contentHash)!, userId: null, action: 'label' as const,
    payload: { label: r.label! }, source: 'import' as const,
  }));
  if (labels.length) await db.insert(annotations).values(labels);
  return inserted.length;
}

export async function recordImport(db: Executor, row: typeof imports.$inferInsert): Promise<void> {
  await db.insert(imports).values(row);
}

export async function hasAnyProject(db: Executor): Promise<boolean> {
  const rows = await db.select({ one: sql`1` }).from(projects).limit(1);
  return rows.length > 0;
}
