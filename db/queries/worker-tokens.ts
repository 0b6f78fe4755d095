import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../client';
import { workerTokens } from '../schema';

export type WorkerTokenRow = typeof workerTokens.$inferSelect;

export async function insertWorkerToken(db: Executor, row: { name: string; tokenHash: string; projectIds: number[] | null }): Promise<WorkerTokenRow> {
  const [r] = await db.insert(workerTokens).values(row).returning();
  return r;
}

export async function findWorkerTokenByHash(db: Executor, tokenHash: string): Promise<WorkerTokenRow | undefined> {
  const [r] = await db.select().from(workerTokens).where(eq(workerTokens.tokenHash, tokenHash));
  return r;
}

export async function listWorkerTokens(db: Executor): Promise<Omit<WorkerTokenRow, 'tokenHash'>[]> {
  return db.select({
    id: workerTokens.id, name: workerTokens.name, projectIds: workerTokens.projectIds, createdAt: workerTokens.createdAt,
    revokedAt: workerTokens.revokedAt, lastSeenAt: workerTokens.lastSeenAt,
  }).from(workerTokens).orderBy(asc(workerTokens.id));
}

export async function revokeWorkerToken(db: Executor, id: number, at: Date): Promise<boolean> {
  const rows = await db.update(workerTokens).set({ revokedAt: at }).where(eq(workerTokens.id, id)).returning({ id: workerTokens.id });
  return rows.length > 0;
}

export async function touchWorkerToken(db: Executor, id: number, at: Date): Promise<void> {
  await db.update(workerTokens).set({ lastSeenAt: at }).where(eq(workerTokens.id, id));
}
