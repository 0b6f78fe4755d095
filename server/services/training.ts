import { decodeAnswer } from '../../db/queries/answers';
import { builtinRankingOf, taskOfProject } from '../../lib/tasks';
import type { LifecycleHooks } from '../lifecycle';
import crypto from 'node:crypto';
import type { Db } from '../../db/client';
import { deleteOtherSpaces, describeSpace } from '../../db/queries/embeddings';
import { countProjectItems, findProject } from '../../db/queries/projects';
import {
  assignPositions, countChunks, countRankingGuesses, countStandingLabels, findAppliedRanking, listRankingHead, findForeignItemIds, findReceivingRanking,
  insertModelVersion, insertRanking, listModelVersions, markApplied, pageCurrentLabels, pageItems, replaceChunkEntries, supersedeApplied,
  uncertaintyHistogram,
} from '../../db/queries/rankings';
import {
  claimQueuedJob, enqueueJob, extendJobLease, findJob, findLatestJob, findOpenJob, finishJob, recordJobProgress, requeueJobs, type TrainingJobRow,
} from '../../db/queries/training-jobs';
import { findWorkerTokenByHash, insertWorkerToken, listWorkerTokens, revokeWorkerToken, touchWorkerToken } from '../../db/queries/worker-tokens';
import { picksWithoutLabels } from '../../lib/al/strategies';
import { parseInput, TandemError } from '../../lib/errors';
import { StoredText } from '../../lib/protocol/stored';
import { resolveProjectSettings } from '../../lib/protocol/project-settings';
import type { ClaimJobRequest, CompleteJobRequest, Job, RankingChunk } from '../../lib/protocol/worker';
import { requireGlobal, requireProject, type Principal } from './access';
import { isUniqueViolation } from './pg-errors';
import { projectQueueSettings } from './queue';

/** A trainer, as its token describes it. */
export interface WorkerPrincipal {
  tokenId: number;
  name: string;
  projectIds: number[] | null;
}

export interface TrainingOptions {
  /** How long a claim lasts without a heartbeat. */
  jobLeaseSeconds: number;
  /** Retrain after this many new labels… */
  retrainEvery: number;
  /** …or this many seconds after the last job when at least one label is new. */
  retrainSeconds: number;
  /** A job failing this many times stays failed (and admins see why). */
  maxAttempts: number;
  now?: () => Date;
  hooks?: Partial<Pick<LifecycleHooks, 'onJobQueued' | 'onJobProgress' | 'onJobFailed' | 'onRankingApplied' | 'onModelVersion'>>;
}

export const DEFAULT_TRAINING: Omit<TrainingOptions, 'now'> = { jobLeaseSeconds: 60, retrainEvery: 10, retrainSeconds: 30, maxAttempts: 3 };

const LOCAL_TRAINER = 'local trainer (tandem start)';
const WorkerTokenName = StoredText.trim().min(1, 'give the token a name').max(200);
/** Bins of the uncertainty histogram `status()` sends (0–0.1, …, 0.9–1). */
export const UNCERTAINTY_BINS = 10;
const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/**
 * The server side of the worker protocol: tokens, the job queue (claims are
 * leases), paged reads of items and labels, chunked ranking uploads applied
 * atomically, and the retrain trigger. Labeling never waits on any of it.
 */
export function createTrainingService(db: Db, opts: TrainingOptions) {
  const now = opts.now ?? (() => new Date());
  const leaseUntil = () => new Date(now().getTime() + opts.jobLeaseSeconds * 1000);

  async function authenticate(token: string | null): Promise<WorkerPrincipal> {
    if (!token) throw new TandemError('unauthenticated', 'send a worker token as "Authorization: Bearer <token>" (tandem worker token create)');
    const row = await findWorkerTokenByHash(db, hashToken(token));
    if (!row || row.revokedAt) throw new TandemError('unauthenticated', 'unknown or revoked worker token');
    void touchWorkerToken(db, row.id, now());
    return { tokenId: row.id, name: row.name, projectIds: row.projectIds };
  }

  function requireScope(w: WorkerPrincipal, projectId: number): void {
    if (w.projectIds && !w.projectIds.includes(projectId)) {
      throw new TandemError('forbidden', `this worker token is not scoped to project ${projectId}`);
    }
  }

  async function ownRunningJob(w: WorkerPrincipal, jobId: number): Promise<TrainingJobRow> {
    const job = await findJob(db, jobId);
    if (!job) throw new TandemError('not_found', `no training job ${jobId}`);
    requireScope(w, job.projectId);
    if (job.state !== 'running' || job.workerTokenId !== w.tokenId) {
      throw new TandemError('conflict', `job ${jobId} is ${job.state}${job.state === 'running' ? ' for another worker' : ''}; claim a new one`);
    }
    if (job.leaseExpiresAt && job.leaseExpiresAt < now()) {
      throw new TandemError('lease_expired', `your claim on job ${jobId} expired; it went back to the queue`);
    }
    return job;
  }

  async function claim(w: WorkerPrincipal, req: ClaimJobRequest): Promise<Job | null> {
    await requeueJobs(db, { now: now(), maxAttempts: opts.maxAttempts, reason: 'claim expired' });
    const job = await db.transaction((tx) => claimQueuedJob(tx, { projectIds: w.projectIds, taskTypes: req.taskTypes ?? ['classification'], tokenId: w.tokenId, worker: req.worker, now: now(), leaseUntil: leaseUntil() }));
    if (!job) return null;
    const project = (await findProject(db, job.projectId))!;
    return {
      id: job.id, projectId: job.projectId, taskType: project.taskType, classes: project.classes, labelCount: job.labelCount,
      strategy: resolveProjectSettings(project.settings, opts).training.strategy, leaseExpiresAt: job.leaseExpiresAt!.toISOString(), attempt: job.attempts,
      batchSize: projectQueueSettings(project).queue.batchSize,
    };
  }

  async function heartbeat(w: WorkerPrincipal, jobId: number, progress?: { phase: string; done: number; total: number }) {
    const job = await ownRunningJob(w, jobId);
    const until = leaseUntil();
    await extendJobLease(db, jobId, until, progress);
    if (progress) opts.hooks?.onJobProgress?.(job.projectId, jobId, progress);
    return { leaseExpiresAt: until.toISOString() };
  }

  /**
   * Progress said over the worker socket (server/realtime/worker-socket.ts):
   * the heartbeat's check, store and page event, without extending the claim:
   * only heartbeats keep the lease, so a live socket cannot keep a hung job.
   */
  async function reportProgress(w: WorkerPrincipal, jobId: number, progress: { phase: string; done: number; total: number }) {
    const job = await ownRunningJob(w, jobId);
    await recordJobProgress(db, jobId, progress);
    opts.hooks?.onJobProgress?.(job.projectId, jobId, progress);
  }

  async function items(w: WorkerPrincipal, projectId: number, after: number, limit: number) {
    requireScope(w, projectId);
    const rows = (await pageItems(db, projectId, after, limit))
      // The worker protocol keeps two states: a trainer ranks open items and leaves answered ones alone.
      .map((r) => ({ ...r, status: r.status === 'open' ? 'open' as const : 'labeled' as const }));
    return { items: rows, next: rows.length === limit ? rows[rows.length - 1].id : null };
  }

  async function labels(w: WorkerPrincipal, projectId: number, after: number, limit: number) {
    requireScope(w, projectId);
    const project = await findProject(db, projectId);
    if (!project) return { labels: [], next: null };
    const task = taskOfProject(project);
    const rows = await pageCurrentLabels(db, projectId, after, limit);
    return {
      labels: rows.map((r) => ({ itemId: r.itemId, label: r.label, answer: decodeAnswer(task, r.payload) })),
      next: rows.length === limit ? rows[rows.length - 1].itemId : null,
    };
  }

  async function uploadChunk(w: WorkerPrincipal, jobId: number, chunk: RankingChunk) {
    const job = await ownRunningJob(w, jobId);
    const ids = chunk.entries.map((e) => e.itemId);
    if (new Set(ids).size !== ids.length) throw new TandemError('bad_request', `chunk ${chunk.index} names an item twice`);
    const foreign = await findForeignItemIds(db, job.projectId, ids);
    if (foreign.length) throw new TandemError('bad_request', `chunk ${chunk.index} names items that are not in project ${job.projectId}: ${foreign.join(', ')}`);
    const project = (await findProject(db, job.projectId))!;
    const badClass = chunk.entries.find((e) => e.predicted !== undefined && !project.classes.includes(e.predicted));
    if (badClass) throw new TandemError('bad_request', `item ${badClass.itemId}: predicted "${badClass.predicted}" is not a class of the project`);
    try {
      await db.transaction(async (tx) => {
        const ranking = (await findReceivingRanking(tx, jobId)) ?? (await insertRanking(tx, { projectId: job.projectId, jobId, strategy: String(project.settings.strategy ?? 'auto'), labelCount: job.labelCount }));
        await replaceChunkEntries(tx, ranking.id, chunk.index, chunk.entries);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new TandemError('bad_request', `chunk ${chunk.index} names an item that another chunk already ranked`);
      throw e;
    }
    await extendJobLease(db, jobId, leaseUntil());
    return { received: chunk.entries.length };
  }

  /** Applies the uploaded ranking and the model version in one transaction, or changes nothing. */
  async function complete(w: WorkerPrincipal, jobId: number, req: CompleteJobRequest) {
    const job = await ownRunningJob(w, jobId);
    const result = await db.transaction(async (tx) => {
      let ranking = await findReceivingRanking(tx, jobId);
      if (!ranking && req.chunks === 0) ranking = await insertRanking(tx, { projectId: job.projectId, jobId, strategy: req.strategy, labelCount: req.labelCount });
      if (!ranking) throw new TandemError('bad_request', `job ${jobId} has no uploaded ranking: send its chunks first`);
      const got = await countChunks(tx, ranking.id);
      if (got.chunks !== req.chunks) {
        throw new TandemError('bad_request', `job ${jobId}: ${got.chunks} of ${req.chunks} ranking chunks arrived; send the missing ones, then complete again`);
      }
      if ((req.lead ?? 0) > got.entries) {
        throw new TandemError('bad_request', `job ${jobId}: lead ${req.lead} is more than the ${got.entries} ranking entries that arrived`);
      }
      const labelsNow = await countStandingLabels(tx, job.projectId);
      if (req.labelCount > labelsNow) throw new TandemError('bad_request', `labelCount ${req.labelCount} is more than the ${labelsNow} labels the project has`);
      // A ranking names only a space the server holds: the dealer must find the vectors it names.
      if (req.embeddingSpace && (await describeSpace(tx, job.projectId, req.embeddingSpace)).count === 0) {
        throw new TandemError('bad_request', `embedding space "${req.embeddingSpace}" has no vectors in project ${job.projectId}: upload them (PUT /api/worker/v1/projects/${job.projectId}/embeddings), then complete again`);
      }
      await assignPositions(tx, ranking.id);
      const version = await insertModelVersion(tx, {
        projectId: job.projectId, jobId, labelCount: req.labelCount, backend: req.backend, model: req.model,
        metrics: req.metrics ? { ...req.metrics, ...(req.seconds !== undefined ? { seconds: req.seconds } : {}) } : {},
      });
      await supersedeApplied(tx, job.projectId);
      await markApplied(tx, ranking.id, version.id, req.strategy, req.labelCount, req.embeddingSpace ?? null, req.lead ?? 0);
      // Older spaces (a refitted PCA, another model) are named by no ranking in use any more.
      if (req.embeddingSpace) await deleteOtherSpaces(tx, job.projectId, req.embeddingSpace);
      await finishJob(tx, jobId, 'done', now());
      return { rankingId: ranking.id, modelVersionId: version.id, entries: got.entries };
    });
    opts.hooks?.onRankingApplied?.(job.projectId, result.rankingId);
    opts.hooks?.onModelVersion?.(job.projectId, result.modelVersionId);
    // Labels that came during the job may already call for the next one; a failure here only waits for the server's 5 s tick.
    void maybeEnqueue(job.projectId).catch(() => {});
    return result;
  }

  /** A trainer this server supervises exited: its jobs need not wait for their claims to lapse. */
  async function releaseWorker(worker: string, reason: string): Promise<number> {
    const released = await requeueJobs(db, { now: now(), maxAttempts: opts.maxAttempts, reason, worker });
    for (const j of released) opts.hooks?.onJobFailed?.(j.projectId, j.state === 'failed');
    return released.length;
  }

  async function fail(w: WorkerPrincipal, jobId: number, reason: string) {
    const job = await ownRunningJob(w, jobId);
    const final = job.attempts >= opts.maxAttempts;
    await finishJob(db, jobId, final ? 'failed' : 'queued', now(), reason.slice(0, 500));
    opts.hooks?.onJobFailed?.(job.projectId, final);
    return { state: final ? 'failed' : 'queued' };
  }

  /**
   * Queues a retrain when enough labels are new since the last job (or some
   * are, and enough time passed). Cheap; called after every label and on a tick.
   */
  async function maybeEnqueue(projectId: number): Promise<boolean> {
    if (await findOpenJob(db, projectId)) return false;
    const project = await findProject(db, projectId);
    if (!project) return false;
    const { retrainEvery, retrainSeconds } = resolveProjectSettings(project.settings, opts).training;
    const labelsNow = await countStandingLabels(db, projectId);
    const last = await findLatestJob(db, projectId);
    const since = labelsNow - (last?.labelCount ?? 0);
    const waited = last ? (now().getTime() - last.createdAt.getTime()) / 1000 : Infinity;
    // A task ranked by diversity alone, or a strategy that picks from the embeddings alone (auto's first,
    // low-budget batches), needs no labels: the first ranking is due as soon as there are items, so the
    // first labels are its picks rather than random ones.
    const needsNoLabels = builtinRankingOf(project.taskType) === 'diversity' || picksWithoutLabels(resolveProjectSettings(project.settings, opts).training.strategy);
    const first = !last && needsNoLabels && (await countProjectItems(db, projectId)).items > 0;
    const due = first || since >= retrainEvery || (since > 0 && waited >= retrainSeconds && labelsNow >= retrainEvery);
    if (!due) return false;
    const job = await enqueueJob(db, projectId, labelsNow);
    if (job) opts.hooks?.onJobQueued?.(projectId);
    return job !== null;
  }

  /** What the annotator and admin pages show about the model: how far behind it is, and what went wrong. */
  async function status(p: Principal, projectId: number) {
    await requireProject(db, p, projectId, 'project.view');
    const [labelsNow, ranking, latestJob, versions] = await Promise.all([
      countStandingLabels(db, projectId), findAppliedRanking(db, projectId), findLatestJob(db, projectId), listModelVersions(db, projectId),
    ]);
    const latest = versions[versions.length - 1];
    const [head, uncertainty, counts] = ranking
      ? await Promise.all([listRankingHead(db, ranking.id, 10), uncertaintyHistogram(db, ranking.id, UNCERTAINTY_BINS), countRankingGuesses(db, ranking.id)])
      : [[], null, null];
    return {
      labels: labelsNow,
      ranking: ranking ? {
        id: ranking.id, labelCount: ranking.labelCount, behind: labelsNow - ranking.labelCount, strategy: ranking.strategy, at: ranking.createdAt,
        embeddingSpace: ranking.embeddingSpace,
        /** Items the ranking orders. */
        entries: counts!.entries,
        /**
         * `model`: a model's ranking (its entries carry its guess); `diversity`: no entry does, so no
         * model made it (a box or keypoint project ordered by diversity over image embeddings): the
         * pages show no guess, accuracy or uncertainty for it.
         */
        kind: counts!.entries > 0 && counts!.predicted === 0 ? 'diversity' as const : 'model' as const,
      } : null,
      model: latest ? { id: latest.id, backend: latest.backend, model: latest.model, labelCount: latest.labelCount, metrics: latest.metrics } : null,
      job: latestJob ? { id: latestJob.id, state: latestJob.state, attempts: latestJob.attempts, progress: latestJob.progress, error: latestJob.error, worker: latestJob.worker } : null,
      curve: versions.map((v) => ({ labels: v.labelCount, ...v.metrics })),
      /** The first open items of the ranking in use, with the model's guess. */
      next: head,
      /** The model's uncertainty over the ranking's open items, in UNCERTAINTY_BINS bins over [0, 1]; null without a ranking. */
      uncertainty,
    };
  }

  const tokens = {
    async create(p: Principal, name: string, projectIds: number[] | null): Promise<{ id: number; token: string }> {
      requireGlobal(p, 'users.manage');
      const token = `tdw_${crypto.randomBytes(24).toString('base64url')}`;
      const row = await insertWorkerToken(db, { name: parseInput(WorkerTokenName, name, 'worker token name'), tokenHash: hashToken(token), projectIds });
      return { id: row.id, token };
    },
    async revoke(p: Principal, id: number): Promise<void> {
      requireGlobal(p, 'users.manage');
      if (!(await revokeWorkerToken(db, id, now()))) throw new TandemError('not_found', `no worker token ${id} (see \`tandem worker token list\`)`);
    },
    async list(p: Principal) {
      requireGlobal(p, 'users.manage');
      return listWorkerTokens(db);
    },
    /** The token of the trainer `tandem start` runs beside itself: a new one each start, the old ones revoked. */
    async rotateLocal(p: Principal): Promise<{ id: number; token: string }> {
      for (const t of await tokens.list(p)) if (t.name === LOCAL_TRAINER && !t.revokedAt) await tokens.revoke(p, t.id);
      return tokens.create(p, LOCAL_TRAINER, null);
    },
  };

  return { authenticate, claim, heartbeat, reportProgress, items, labels, uploadChunk, complete, fail, releaseWorker, maybeEnqueue, status, tokens };
}

export type TrainingService = ReturnType<typeof createTrainingService>;
