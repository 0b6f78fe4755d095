import { z } from 'zod';
import { EmbeddingModelSpec } from '../model/onnx-spec';

/**
 * The worker protocol, version 1: what a trainer (ours in workers/trainer, or
 * anyone's) says to the server over HTTP under /api/worker/v1, with a worker
 * token as `Authorization: Bearer …`. A trainer never opens the database.
 * docs/worker-protocol.md walks through it with curl.
 */
export const WORKER_PROTOCOL_VERSION = 1;

const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const Finite = z.number().refine(Number.isFinite, 'must be a finite number');
const Unit = Finite.refine((x) => x >= 0 && x <= 1, 'must be between 0 and 1');

export const JobParams = z.object({ jobId: Id });
export const ProjectParams = z.object({ projectId: Id });
export const ItemParams = z.object({ itemId: Id });

export const ClaimJobRequest = z.object({
  /** Who is asking, for the admin's view (host name, pid). */
  worker: z.string().min(1).max(200),
  /** Compute backends this worker has, best first (e.g. tfjs-node-gpu, wasm). */
  backends: z.array(z.string().min(1).max(50)).max(10).default([]),
  protocol: z.literal(WORKER_PROTOCOL_VERSION).default(WORKER_PROTOCOL_VERSION),
}).strict();
export type ClaimJobRequest = z.infer<typeof ClaimJobRequest>;

/** A training job as the worker sees it. */
export const Job = z.object({
  id: z.number().int(),
  projectId: z.number().int(),
  taskType: z.literal('classification'),
  classes: z.array(z.string()),
  /** Labels that existed when the job was made: the model must not claim to have seen more. */
  labelCount: z.number().int().nonnegative(),
  strategy: z.string(),
  leaseExpiresAt: z.string(),
  attempt: z.number().int().positive(),
});
export type Job = z.infer<typeof Job>;

export const ClaimJobResponse = z.object({ job: Job.nullable() });

export const Progress = z.object({
  phase: z.string().min(1).max(50),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
}).strict();

export const HeartbeatRequest = z.object({ progress: Progress.optional() }).strict();

/** Paging over a project's items or labels: ids strictly after `after`, at most `limit`. */
export const PageQuery = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

/** `?ids=1,2,3`: up to MEDIA_BATCH items' media in one answer, so a trainer needs a few dozen requests for 10k images, not 10k. */
export const MEDIA_BATCH = 500;
export const MediaBatchQuery = z.object({
  ids: z.string().max(MEDIA_BATCH * 12)
    .transform((v, ctx) => {
      const ids = v.split(',').map((x) => Number(x.trim()));
      if (ids.length === 0 || ids.length > MEDIA_BATCH || ids.some((x) => !Number.isInteger(x) || x <= 0)) {
        ctx.addIssue({ code: 'custom', message: `ids must be 1 to ${MEDIA_BATCH} positive integers separated by commas` });
        return z.NEVER;
      }
      return [...new Set(ids)];
    }),
});
export const MediaBatch = z.object({
  media: z.array(z.object({ id: z.number().int(), mediaType: z.string(), data: z.string() })),
  /** Requested ids that are not items of this project. */
  missing: z.array(z.number().int()),
});
export type MediaBatch = z.infer<typeof MediaBatch>;

export const WorkerItem = z.object({
  id: z.number().int(),
  split: z.enum(['pool', 'holdout']),
  status: z.enum(['open', 'labeled']),
  mediaType: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  groupKey: z.string(),
});
export type WorkerItem = z.infer<typeof WorkerItem>;

export const WorkerLabel = z.object({ itemId: z.number().int(), label: z.string() });
export type WorkerLabel = z.infer<typeof WorkerLabel>;

export const RankingEntry = z.object({
  itemId: Id,
  /** Worth labeling next: higher first. */
  score: Finite,
  /** The model's guess and how sure it is (for prelabels and the easy stream). */
  predicted: z.string().min(1).max(200),
  confidence: Unit,
}).strict();
export type RankingEntry = z.infer<typeof RankingEntry>;

/** Rankings arrive in chunks; the ranking is applied only when every chunk is in. */
export const RankingChunk = z.object({
  index: z.number().int().nonnegative(),
  total: z.number().int().positive().max(10_000),
  entries: z.array(RankingEntry).min(1).max(50_000),
}).strict().refine((c) => c.index < c.total, { message: 'index must be below total', path: ['index'] });
export type RankingChunk = z.infer<typeof RankingChunk>;

export const HoldoutMetrics = z.object({
  accuracy: Unit,
  macroF1: Unit,
  logLoss: Finite.refine((x) => x >= 0, 'must be ≥ 0'),
  ece: Unit,
  /** Labeled holdout items the metrics were computed on. */
  holdoutSize: z.number().int().nonnegative(),
}).strict();
export type HoldoutMetrics = z.infer<typeof HoldoutMetrics>;

export const CompleteJobRequest = z.object({
  /** Labels the model was trained on (≤ the job's label count plus labels since). */
  labelCount: z.number().int().nonnegative(),
  backend: z.string().min(1).max(100),
  model: z.string().min(1).max(200),
  strategy: z.string().min(1).max(100),
  metrics: HoldoutMetrics.nullable(),
  /** Ranking chunks sent; 0 when nothing is left to rank (the model version is still recorded). */
  chunks: z.number().int().nonnegative().max(10_000),
  seconds: Finite.optional(),
}).strict();
export type CompleteJobRequest = z.infer<typeof CompleteJobRequest>;

export const FailJobRequest = z.object({ reason: z.string().min(1).max(2000) }).strict();

/**
 * `GET /projects/:projectId/embedding-model`: the user's ONNX model the project
 * embeds its images with (`tandem model add`), or null for raw pixels. `file`
 * is the path (under the server) of its bytes; check them against `sha256`.
 */
export const EmbeddingModelInfo = EmbeddingModelSpec.safeExtend({ id: z.number().int().positive(), file: z.string().min(1) });
export type EmbeddingModelInfo = z.infer<typeof EmbeddingModelInfo>;
export const EmbeddingModelResponse = z.object({ model: EmbeddingModelInfo.nullable() });
export type EmbeddingModelResponse = z.infer<typeof EmbeddingModelResponse>;
