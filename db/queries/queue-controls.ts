import { and, asc, desc, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { annotations, leases, projects, queueControls, users } from '../schema';
import { ANNOTATIONS, isStanding } from './answers';

/** What a lead and an admin change about a project's queue: item controls, pause, stop, and who holds what. */

export type StoppedRecord = NonNullable<typeof projects.$inferSelect['stopped']>;
export type ControlAction = typeof queueControls.$inferSelect['action'];

/** Locks the project row until the transaction ends: queue settings are checked as a whole, so two patches must not interleave. */
export async function lockProjectSettings(db: Executor, projectId: number): Promise<Record<string, unknown> | undefined> {
  const [row] = await db.select({ settings: projects.settings }).from(projects).where(eq(projects.id, projectId)).for('update');
  return row?.settings;
}

/** Sets the items' control (one per item: the newest wins). */
export async function upsertQueueControls(db: Executor, projectId: number, itemIds: number[], action: ControlAction, userId: number | null): Promise<number> {
  if (itemIds.length === 0) return 0;
  const rows = await db.insert(queueControls).values(itemIds.map((itemId) => ({ projectId, itemId, action, userId })))
    .onConflictDoUpdate({ target: [queueControls.projectId, queueControls.itemId], set: { action, userId, createdAt: sql`now()` } })
    .returning({ itemId: queueControls.itemId });
  return rows.length;
}

export async function deleteQueueControls(db: Executor, projectId: number, itemIds: number[]): Promise<number> {
  if (itemIds.length === 0) return 0;
  const rows = await db.delete(queueControls)
    .where(and(eq(queueControls.projectId, projectId), inArray(queueControls.itemId, itemIds)))
    .returning({ itemId: queueControls.itemId });
  return rows.length;
}

/** The newest controls of a project, for the lead's page, and how many of each there are. */
export async function listQueueControls(db: Executor, projectId: number, limit = 100) {
  const [counts, recent] = await Promise.all([
    db.select({ action: queueControls.action, n: sql<number>`count(*)::int` }).from(queueControls)
      .where(eq(queueControls.projectId, projectId)).groupBy(queueControls.action),
    db.select({ itemId: queueControls.itemId, action: queueControls.action, userId: queueControls.userId, at: queueControls.createdAt })
      .from(queueControls).where(eq(queueControls.projectId, projectId)).orderBy(desc(queueControls.createdAt), desc(queueControls.itemId)).limit(limit),
  ]);
  const by = { pin: 0, boost: 0, exclude: 0 } as Record<ControlAction, number>;
  for (const c of counts) by[c.action] = c.n;
  return { counts: by, recent };
}

export async function setProjectPaused(db: Executor, projectId: number, paused: boolean): Promise<void> {
  await db.update(projects).set({ paused }).where(eq(projects.id, projectId));
}

/** Stops a running project; false when it was stopped already (the first reason stands and is announced once). */
export async function stopProjectOnce(db: Executor, projectId: number, stopped: StoppedRecord): Promise<boolean> {
  const rows = await db.update(projects).set({ stopped }).where(and(eq(projects.id, projectId), isNull(projects.stopped)))
    .returning({ id: projects.id });
  return rows.length > 0;
}

export async function clearProjectStop(db: Executor, projectId: number): Promise<void> {
  await db.update(projects).set({ stopped: null }).where(eq(projects.id, projectId));
}

/** Active, unexpired leases of a project with their holders: who holds what. */
export async function listActiveHolds(db: Executor, projectId: number, now: Date, limit = 5000) {
  return db.select({
    leaseId: leases.id, itemId: leases.itemId, userId: leases.userId, name: users.name, email: users.email,
    stream: leases.stream, detail: leases.detail, since: leases.claimedAt, expiresAt: leases.expiresAt,
  }).from(leases).innerJoin(users, eq(users.id, leases.userId))
    .where(and(eq(leases.projectId, projectId), eq(leases.state, 'active'), gte(leases.expiresAt, now)))
    .orderBy(asc(leases.userId), asc(leases.id)).limit(limit);
}

/** Ends one active lease as released; null when it was not active any more (raced with a label or expiry). */
export async function releaseActiveLease(db: Executor, leaseId: number, now: Date) {
  const [row] = await db.update(leases).set({ state: 'released', endedAt: now })
    .where(and(eq(leases.id, leaseId), eq(leases.state, 'active')))
    .returning({ leaseId: leases.id, itemId: leases.itemId, userId: leases.userId });
  return row ?? null;
}

/** Ends every active lease on these items (a re-queue); returns who lost what. */
export async function releaseLeasesOfItems(db: Executor, projectId: number, itemIds: number[], now: Date) {
  if (itemIds.length === 0) return [];
  return db.update(leases).set({ state: 'released', endedAt: now })
    .where(and(eq(leases.projectId, projectId), eq(leases.state, 'active'), inArray(leases.itemId, itemIds)))
    .returning({ leaseId: leases.id, itemId: leases.itemId, userId: leases.userId });
}

/**
 * What the project budget has spent: human labels that still stand (an overlap
 * label counts: it cost an annotator's time; imported labels cost nobody's), and
 * the active leases, which count against the budget as if labeled.
 */
export async function countBudgetUse(db: Executor, projectId: number, now: Date): Promise<{ used: number; open: number }> {
  const [[u], [o]] = await Promise.all([
    db.select({ n: sql<number>`count(*)::int` }).from(annotations).where(and(
      eq(annotations.projectId, projectId), eq(annotations.source, 'human'), isStanding(ANNOTATIONS),
    )),
    db.select({ n: sql<number>`count(*)::int` }).from(leases)
      .where(and(eq(leases.projectId, projectId), eq(leases.state, 'active'), gte(leases.expiresAt, now))),
  ]);
  return { used: u.n, open: o.n };
}
