import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { yjsUpdates } from '../schema';

export async function loadDocUpdates(db: Db, docName: string): Promise<{ id: number; update: Uint8Array }[]> {
  return db.select({ id: yjsUpdates.id, update: yjsUpdates.update }).from(yjsUpdates)
    .where(eq(yjsUpdates.docName, docName)).orderBy(asc(yjsUpdates.id));
}

export async function appendDocUpdate(db: Db, docName: string, update: Uint8Array): Promise<void> {
  await db.insert(yjsUpdates).values({ docName, update });
}

/** Replaces the updates it merged (by id) with one merged state, in one transaction. */
export async function compactDoc(db: Db, docName: string, mergedIds: number[], state: Uint8Array): Promise<void> {
  if (mergedIds.length < 2) return;
  await db.transaction(async (tx) => {
    await tx.delete(yjsUpdates).where(inArray(yjsUpdates.id, mergedIds));
    await tx.insert(yjsUpdates).values({ docName, update: state });
  });
}
