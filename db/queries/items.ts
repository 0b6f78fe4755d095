import { and, eq } from 'drizzle-orm';
import type { Executor } from '../client';
import { annotations, items, prelabels } from '../schema';
import { encodeAnswer, type StoredAnswer } from './answers';

export type NewItem = typeof items.$inferInsert;

/**
 * Inserts items with their imported labels; run it in one transaction so an
 * item is never stored without its label. An item whose content hash the
 * project has already is skipped (the hash is unique per project), and so is
 * its label. Returns how many items were new.
 */
export async function insertItemsWithLabels(db: Executor, rows: { item: NewItem; label?: string }[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db.insert(items).values(rows.map((r) => r.item)).onConflictDoNothing()
    .returning({ id: items.id, hash: items.contentHash });
  const idByHash = new Map(inserted.map((r) => [r.hash, r.id]));
  const labels = rows.filter((r) => r.label !== undefined && idByHash.has(r.item.contentHash)).map((r) => ({
    projectId: r.item.projectId, itemId: idByHash.get(r.item.contentHash)!, userId: null, action: 'label' as const,
    payload: encodeAnswer({ task: 'classification', label: r.label! }), source: 'import' as const,
  }));
  if (labels.length) await db.insert(annotations).values(labels);
  return inserted.length;
}

/** The item's image size, when the import could read it (null when unknown or no such item in the project). */
export async function findItemSize(db: Executor, projectId: number, itemId: number): Promise<{ width: number; height: number } | null> {
  const [row] = await db.select({ width: items.width, height: items.height }).from(items)
    .where(and(eq(items.id, itemId), eq(items.projectId, projectId)));
  return row && row.width !== null && row.height !== null ? { width: row.width, height: row.height } : null;
}

/** An item with what the import knows of its answer: a standing label, a prelabel to start from, or a hidden reference. */
export interface ItemWithAnswer {
  item: NewItem;
  label?: StoredAnswer;
  prelabel?: StoredAnswer;
}

/**
 * Inserts items with their imported answers in the caller's transaction; an item whose content
 * hash the project has already is skipped with its answers (a re-run adds what is missing).
 * Returns how many items were new.
 */
export async function insertItemsWithAnswers(db: Executor, rows: ItemWithAnswer[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db.insert(items).values(rows.map((r) => r.item)).onConflictDoNothing()
    .returning({ id: items.id, hash: items.contentHash });
  const idByHash = new Map(inserted.map((r) => [r.hash, r.id]));
  const fresh = rows.filter((r) => idByHash.has(r.item.contentHash));
  const labels = fresh.filter((r) => r.label).map((r) => ({
    projectId: r.item.projectId, itemId: idByHash.get(r.item.contentHash)!, userId: null, action: 'label' as const,
    payload: r.label!, source: 'import' as const,
  }));
  const pre = fresh.filter((r) => r.prelabel).map((r) => ({
    projectId: r.item.projectId, itemId: idByHash.get(r.item.contentHash)!, source: 'import' as const, payload: r.prelabel!,
  }));
  if (labels.length) await db.insert(annotations).values(labels);
  if (pre.length) await db.insert(prelabels).values(pre);
  return inserted.length;
}
