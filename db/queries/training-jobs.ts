import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { projects, trainingJobs } from '../schema';

export type TrainingJobRow = typeof trainingJobs.$inferSelect;

/** Queues a job unless the project has one open already (the partial unique index decides). */
export async function enqueueJob(db: Executor, projectId: number, labelCount: number): Promise<TrainingJobRow | null> {
  const rows = await db.insert(trainingJobs).values({ projectId, labelCount }).onConflictDoNothing().returning();
  return rows[0] ?? null;
}

export async function findOpenJob(db: Executor, projectId: number): Promise<TrainingJobRow | undefined> {
  const [r] = await db.select().from(trainingJobs)
    .where(and(eq(trainingJobs.projectId, projectId), inArray(trainingJobs.state, ['queued', 'running'])));
  return r;
}

export async function findLatestJob(db: Executor, projectId: number): Promise<TrainingJobRow | undefined> {
  const [r] = await db.select().from(trainingJobs).where(eq(trainingJobs.projectId, projectId)).orderBy(desc(trainingJobs.id)).limit(1);
  return r;
}

export async function findJob(db: Executor, id: number): Promise<TrainingJobRow | undefined> {
  const [r] = await db.select().from(trainingJobs).where(eq(trainingJobs.id, id));
  return r;
}

/** Running jobs whose worker stopped renewing the claim go back to the queue. */
/**
 * Running jobs whose claim lapsed (or whose worker is known to be gone) go
 * back to the queue, or fail for good once they used up their attempts: a
 * job that kills every trainer that takes it must not loop forever.
 */
export async function requeueJobs(db: Executor, opts: { now: Date; maxAttempts: number; reason: string; worker?: string }): Promise<TrainingJobRow[]> {
  const which = opts.worker
    ? and(eq(trainingJobs.state, 'running'), eq(trainingJobs.worker, opts.worker))
    : and(eq(trainingJobs.state, 'running'), lt(trainingJobs.leaseExpiresAt, opts.now));
  return db.update(trainingJobs)
    .set({
      state: sql`case when ${trainingJobs.attempts} >= ${opts.maxAttempts} then 'failed' else 'queued' end`,
      finishedAt: sql`case when ${trainingJobs.attempts} >= ${opts.maxAttempts} then ${opts.now.toISOString()}::timestamptz else null end`,
      leaseExpiresAt: null,
      error: sql`coalesce(${trainingJobs.error}, '') || ${opts.reason + '; '}`,
    })
    .where(which)
    .returning();
}

/**
 * Takes the oldest queued job among the projects the token may train, with
 * SKIP LOCKED so two workers never take the same one.
 */
/** Claims the oldest queued job of a project the worker may train: in its token's scope, of a task type it can train. */
export async function claimQueuedJob(db: Executor, opts: { projectIds: number[] | null; taskTypes: string[]; tokenId: number; worker: string; now: Date; leaseUntil: Date }): Promise<TrainingJobRow | null> {
  const trainable = inArray(trainingJobs.projectId, db.select({ id: projects.id }).from(projects).where(inArray(projects.taskType, opts.taskTypes as (typeof projects.$inferSelect.taskType)[])));
  const where = opts.projectIds
    ? and(eq(trainingJobs.state, 'queued'), trainable, inArray(trainingJobs.projectId, opts.projectIds.length ? opts.projectIds : [-1]))
    : and(eq(trainingJobs.state, 'queued'), trainable);
  const [candidate] = await db.select({ id: trainingJobs.id }).from(trainingJobs).where(where)
    .orderBy(asc(trainingJobs.id)).limit(1).for('update', { skipLocked: true });
  if (!candidate) return null;
  const [job] = await db.update(trainingJobs).set({
    state: 'running', workerTokenId: opts.tokenId, worker: opts.worker, leaseExpiresAt: opts.leaseUntil,
    attempts: sql`${trainingJobs.attempts} + 1`, startedAt: opts.now, progress: null,
  }).where(eq(trainingJobs.id, candidate.id)).returning();
  return job;
}

export async function extendJobLease(db: Executor, id: number, leaseUntil: Date, progress?: { phase: string; done: number; total: number }): Promise<void> {
  await db.update(trainingJobs).set({ leaseExpiresAt: leaseUntil, ...(progress ? { progress } : {}) }).where(eq(trainingJobs.id, id));
}

/** Progress said between heartbeats (the worker socket): stored on a running job only, the claim untouched. */
export async function recordJobProgress(db: Executor, id: number, progress: { phase: string; done: number; total: number }): Promise<void> {
  await db.update(trainingJobs).set({ progress }).where(and(eq(trainingJobs.id, id), eq(trainingJobs.state, 'running')));
}

export async function finishJob(db: Executor, id: number, state: 'done' | 'failed' | 'queued', now: Date, error?: string): Promise<void> {
  await db.update(trainingJobs).set({
    state, finishedAt: state === 'queued' ? null : now, leaseExpiresAt: null,
    ...(error ? { error: sql`coalesce(${trainingJobs.error}, '') || ${error + '; '}` } : {}),
  }).where(eq(trainingJobs.id, id));
}

export async function listRecentJobs(db: Executor, projectId: number, limit = 20): Promise<TrainingJobRow[]> {
  return db.select().from(trainingJobs).where(eq(trainingJobs.projectId, projectId)).orderBy(desc(trainingJobs.id)).limit(limit);
}
