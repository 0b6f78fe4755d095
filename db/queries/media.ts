import { eq } from 'drizzle-orm';
import type { Executor } from '../client';
import { items } from '../schema';

export async function findItemMedia(db: Executor, itemId: number) {
  const [row] = await db.select({ projectId: items.projectId, media: items.media, mediaType: items.mediaType })
    .from(items).where(eq(items.id, itemId));
  return row;
}
