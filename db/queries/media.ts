import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../client';
import { items } from '../schema';

export async function findItemMedia(db: Executor, itemId: number) {
  const [row] = await db.select({ projectId: items.projectId, media: items.media, mediaType: items.mediaType })
    .from(items).where(eq(items.id, itemId));
  return row;
}

/** Media keys of the given items of one project (ids of other projects are left out). */
export async function findProjectItemsMedia(db: Executor, projectId: number, ids: number[]) {
  if (ids.length === 0) return [];
  return db.select({ id: items.id, media: items.media, mediaType: items.mediaType })
    .from(items).where(and(eq(items.projectId, projectId), inArray(items.id, ids)));
}
