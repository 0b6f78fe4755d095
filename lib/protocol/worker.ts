import { z } from 'zod';
import { BuiltinEmbeddingChoice } from '../model/builtin-embeddings';
import { EmbeddingModelSpec } from '../model/onnx-spec';
import { Id, idListParam, IdParam, decimalParam, BIGSERIAL_MAX, SerialIdParam } from './ids';
import { Int4, Real, RealUnit, StoredText } from './stored';
import { Answer, TASK_TYPE_NAMES, TaskTypeName } from '../tasks';
import { AUTO_PHASES } from '../al/strategies';

/**
 * The worker protocol, version 1: what a trainer (ours in workers/trainer, or
 * anyone's) says to the server over HTTP under /api/worker/v1, with a worker
 * token as `Authorization: Bearer …`, plus live progress over socket.io
 * (WORKER_NAMESPACE, below). A trainer never opens the database.
 * docs/worker-protocol.md walks through it with curl.
 */
export const WORKER_PROTOCOL_VERSION = 1;

const Finite = z.number().refine(Number.isFinite, 'must be a finite number');
const Unit = Finite.refine((x) => x >= 0 && x <= 1, 'must be between 0 and 1');

/**
 * An embedding space's name: the frozen extractor and its version that made
 * the vectors (e.g. `pca50:<hash>`, `onnx:<model sha>:unit64:<hash>`). Two
 * uploads under one name must be the same vectors; anything that changes
 * them (another model, a refitted PCA) needs a new name.
 */
export const EmbeddingSpace = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:._+-]{0,199}$/,
  'must be 1 to 200 letters, digits or : . _ + - (starting with a letter or digit)');

export const JobParams = z.object({ jobId: IdParam });
export const ProjectParams = z.object({ projectId: SerialIdParam });
export const ItemParams = z.object({ itemId: IdParam });

export const ClaimJobRequest = z.object({
  /** Who is asking, for the admin's view (host name, pid). */
  worker: StoredText.min(1).max(200),
  /** Compute backends this worker has, best first (ours: `tfjs-node-gpu` or `tfjs-wasm`, then `onnxruntime-node`). Informational: the server hands any job to any worker. */
  backends: z.array(StoredText.min(1).max(50)).max(10).default([]),
  protocol: z.literal(WORKER_PROTOCOL_VERSION).default(WORKER_PROTOCOL_VERSION),
  /**
   * The task types this worker can train (lib/tasks). The server hands out only jobs of
   * projects of those types; a worker that does not say (a trainer written before task types
   * existed) is taken to train classification only, and is never handed a box or keypoint job.
   */
  taskTypes: z.array(TaskTypeName).min(1).max(TASK_TYPE_NAMES.length).default(['classification']),
}).strict();
/** As a worker writes it: fields with defaults may be left out. */
export type ClaimJobRequest = z.input<typeof ClaimJobRequest>;

/** A training job as the worker sees it. */
export const Job = z.object({
  id: z.number().int(),
  projectId: z.number().int(),
  taskType: TaskTypeName,
  classes: z.array(z.string()),
  /** Labels that existed when the job was made: the model must not claim to have seen more. */
  labelCount: z.number().int().nonnegative(),
  strategy: z.string(),
  leaseExpiresAt: z.string(),
  attempt: z.number().int().positive(),
  /**
   * The batch the dealer hands an annotator (the project's queue setting). A low-budget strategy picks
   * its batch in steps of it (lib/al StrategyInput.step), so each dealt batch is a batch of its own.
   * Optional: an older server does not send it.
   */
  batchSize: z.number().int().positive().max(10_000).optional(),
});
export type Job = z.infer<typeof Job>;

export const ClaimJobResponse = z.object({ job: Job.nullable() });

export const Progress = z.object({
  phase: StoredText.min(1).max(50),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
}).strict();

export const HeartbeatRequest = z.object({ progress: Progress.optional() }).strict();

/*
 * Progress over socket.io, the live twin of the heartbeat's `progress`: a
 * worker connects to the WORKER_NAMESPACE with its token in the handshake
 * (`auth: { token }`) and emits PROGRESS_EVENT as its phases advance. The
 * server relays it to the project's pages as the heartbeat's would be; it
 * does not extend the claim (only the HTTP heartbeat keeps the lease), so the
 * socket is best-effort and a worker without it loses nothing but liveness.
 */
export const WORKER_NAMESPACE = '/worker';
export const PROGRESS_EVENT = 'progress';
/** A worker sends at most one progress a job every this many ms (a phase change at once). */
export const PROGRESS_EVERY_MS = 500;

export const ProgressEvent = z.object({
  jobId: Id,
  phase: Progress.shape.phase,
  done: Progress.shape.done,
  total: Progress.shape.total,
}).strict();
export type ProgressEvent = z.infer<typeof ProgressEvent>;

/** The acknowledgement of a progress event: relayed, or dropped as too soon after the last one; or the one error shape. */
export const ProgressAck = z.union([
  z.object({ ok: z.literal(true), data: z.object({ relayed: z.boolean() }) }),
  z.object({ error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type ProgressAck = z.infer<typeof ProgressAck>;

/** Paging over a project's items or labels: ids strictly after `after`, at most `limit`. */
export const PageQuery = z.object({
  after: decimalParam(0, BIGSERIAL_MAX).default(0),
  limit: decimalParam(1, 10_000).default(1000),
});

/** `?ids=1,2,3`: up to MEDIA_BATCH items' media in one answer, so a trainer needs a few dozen requests for 10k images, not 10k. */
export const MEDIA_BATCH = 500;
export const MediaBatchQuery = z.object({ ids: idListParam(MEDIA_BATCH) });
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

/**
 * An item's standing answer: `answer` as lib/tasks `Answer` says (a class, boxes, skeletons), and
 * `label`, the class of a classification answer (null for other task types), which trainers
 * written before task types existed read.
 */
export const WorkerLabel = z.object({ itemId: z.number().int(), label: z.string().nullable(), answer: Answer.optional() });
export type WorkerLabel = z.infer<typeof WorkerLabel>;

export const RankingEntry = z.object({
  itemId: Id,
  /** Worth labeling next: higher first. Stored as float4. */
  score: Real,
  /**
   * The model's guess and how sure it is (for prelabels and the easy stream). Absent from a
   * ranking no model made (a diversity ranking of a box or keypoint project): such items are
   * never easy and carry no guess.
   */
  predicted: StoredText.min(1).max(200).optional(),
  confidence: RealUnit.optional(),
  /**
   * How unsure the model is about the item, normalised to [0, 1]: 0 sure, 1
   * as unsure as the measure gets. Tandem's trainer sends 1 − the margin
   * between the top two class probabilities whatever the strategy (the
   * measure HoldoutMetrics.meanUncertainty averages, so versions compare);
   * another trainer may send its own measure scaled to [0, 1] (e.g. BALD's
   * mutual information / log K). Optional: older trainers do not send it.
   */
  uncertainty: RealUnit.optional(),
}).strict().refine((e) => (e.predicted === undefined) === (e.confidence === undefined), {
  message: 'predicted and confidence go together: send both (a model\'s guess) or neither (a ranking without a model)', path: ['confidence'],
});
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
  /**
   * Mean uncertainty (1 − margin between the top two classes) over the unlabeled pool: the
   * uncertainty-plateau stopping rule watches it fall. Optional: older trainers do not send it.
   */
  meanUncertainty: Unit.optional(),
  /**
   * Does uncertainty predict error (lib/model/evidence.ts)? AUROC of the uncertainty sent with the
   * ranking for "the model is wrong" on the holdout (null: no errors or no hits to tell apart), the
   * reliability diagram of the top-class confidence, and how the ranking moved since the previous
   * version. Optional: older trainers do not send them.
   */
  uncertaintyAuroc: Unit.nullable().optional(),
  reliability: z.array(z.object({
    lo: Unit, hi: Unit, count: z.number().int().nonnegative(), confidence: Unit.nullable(), accuracy: Unit.nullable(),
  }).strict()).max(50).optional(),
  /** With the auto strategy: the phase that chose this version's batch (lib/al autoPhase): low budget (TypiClust) or spaced margins. */
  autoPhase: z.enum(AUTO_PHASES).optional(),
  /**
   * With the auto strategy: the model's cross-validated accuracy on its own labels that decided the
   * phase (lib/model labeledAccuracy; null: nothing could be tested). Absent when not measured:
   * before the counts allow trust, or after the switch.
   */
  labeledAccuracy: Unit.nullable().optional(),
  churn: z.object({
    /** Share of the top 100 the previous version also had in its top 100, and Spearman over the items both ranked; null on the first version a trainer sees. */
    topOverlap: Unit.nullable(),
    rankCorrelation: Finite.refine((x) => x >= -1 && x <= 1, 'must be between -1 and 1').nullable(),
    /** Share of labeled pool items at least as uncertain as the open pool's top decile. */
    labeledStillUncertain: Unit.nullable(),
  }).strict().optional(),
  /**
   * Which candidate head made this version's probabilities (lib/model/heads.ts): its name, why
   * (`cv`: cross-validation on the labeled set now; `reused`: the last CV pick, the labels having
   * grown too little to run it again; `too-few-labels`: a class with fewer labels than folds, the default head;
   * `forced`: named by configuration), the labels and folds the CV ran on, and each candidate's
   * mean CV accuracy with its standard error. A trainer of its own may name its own heads.
   * Optional: older trainers do not send it.
   */
  head: z.object({
    head: StoredText.min(1).max(100),
    reason: z.enum(['cv', 'reused', 'too-few-labels', 'forced']),
    labelCount: z.number().int().nonnegative(),
    folds: z.number().int().nonnegative().max(100),
    scores: z.array(z.object({ head: StoredText.min(1).max(100), accuracy: Unit, standardError: Unit }).strict()).max(20),
  }).strict().optional(),
}).strict();
export type HoldoutMetrics = z.infer<typeof HoldoutMetrics>;

export const CompleteJobRequest = z.object({
  /** Labels the model was trained on (≤ the job's label count plus labels since). */
  labelCount: Int4.nonnegative(),
  backend: StoredText.min(1).max(100),
  model: StoredText.min(1).max(200),
  strategy: StoredText.min(1).max(100),
  metrics: HoldoutMetrics.nullable(),
  /** Ranking chunks sent; 0 when nothing is left to rank (the model version is still recorded). */
  chunks: z.number().int().nonnegative().max(10_000),
  seconds: Finite.optional(),
  /**
   * The embedding space (uploaded before, see EmbeddingsChunk) the model's
   * features live in: the dealer spreads batches in it. Optional: without it
   * the ranking is dealt in rank order.
   */
  embeddingSpace: EmbeddingSpace.optional(),
  /**
   * How many entries at the top of the ranking are the strategy's batch, in pick order (the rest
   * follows by uncertainty). While `auto` does not trust the model's uncertainty, the dealer hands
   * these out in that order before its own cold stream. Optional (0): nothing marked.
   */
  lead: z.number().int().nonnegative().max(1_000_000).optional(),
}).strict();
export type CompleteJobRequest = z.infer<typeof CompleteJobRequest>;

export const FailJobRequest = z.object({ reason: StoredText.min(1).max(2000) }).strict();

/**
 * `GET /projects/:projectId/embedding-model`: the user's ONNX model the project
 * embeds its images with (`tandem model add`), or null for a built-in
 * extractor. `file` is the path (under the server) of its bytes; check them
 * against `sha256`. With `model` null, `builtin` names the built-in to use
 * (`pixels` or `mobilenet-v2`, chosen by the project or picked by the server
 * from its images); a server older than `builtin` leaves it out: pixels.
 */
export const EmbeddingModelInfo = EmbeddingModelSpec.safeExtend({ id: z.number().int().positive(), file: z.string().min(1) });
export type EmbeddingModelInfo = z.infer<typeof EmbeddingModelInfo>;
export const EmbeddingModelResponse = z.object({ model: EmbeddingModelInfo.nullable(), builtin: BuiltinEmbeddingChoice.optional() });
export type EmbeddingModelResponse = z.infer<typeof EmbeddingModelResponse>;

/*
 * Item embeddings, uploaded once per space (EmbeddingSpace). The dealer
 * spreads each annotator's batch in the space the applied ranking names
 * (CompleteJobRequest.embeddingSpace).
 */
export const EMBEDDING_MAX_DIM = 4096;
/** Items in one upload chunk, and floats (items × dim) in one chunk: 8 MB of float32. */
export const EMBEDDING_CHUNK_ITEMS = 5000;
export const EMBEDDING_CHUNK_FLOATS = 2_000_000;

/** `GET /projects/:projectId/embeddings?space=…`: whether the server has this space (so a trainer knows whether to upload). */
export const EmbeddingsQuery = z.object({ space: EmbeddingSpace });
export const EmbeddingsStatus = z.object({
  space: z.string(),
  /** Items of the project with a vector in this space. */
  count: z.number().int().nonnegative(),
  dim: z.number().int().positive().nullable(),
});
export type EmbeddingsStatus = z.infer<typeof EmbeddingsStatus>;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A vector as JSON numbers, or as base64 of `dim` little-endian float32 (a third of the size: what our trainer sends). */
const VectorInput = z.union([
  // Values are checked in EmbeddingsChunk's transform, so a bad one is named (a union only says "invalid input").
  z.array(z.unknown()).min(1).max(EMBEDDING_MAX_DIM),
  z.string().min(1).max(4 * Math.ceil((EMBEDDING_MAX_DIM * 4) / 3)).regex(BASE64, 'must be an array of numbers or base64 of little-endian float32'),
], { error: 'must be an array of numbers or base64 of little-endian float32' });

/** The vector as float32 (a value that is not a number becomes NaN), or the byte count when base64 does not hold whole floats. */
function toFloat32(v: unknown[] | string): Float32Array | number {
  if (Array.isArray(v)) return Float32Array.from(v, (x) => (typeof x === 'number' ? x : NaN));
  const bytes = Buffer.from(v, 'base64');
  if (bytes.byteLength % 4 !== 0) return bytes.byteLength;
  const out = new Float32Array(bytes.byteLength / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Base64 of a vector's little-endian float32: the compact form of `vector`. */
export function encodeVectorBase64(v: ArrayLike<number>): string {
  const buf = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i], i * 4);
  return buf.toString('base64');
}

/**
 * `PUT /projects/:projectId/embeddings`: one chunk of a space's vectors.
 * Every vector has exactly `dim` finite float32 values; a chunk is stored
 * whole or not at all, and re-sending it overwrites the same rows.
 * Parsed, each vector is a Float32Array.
 */
export const EmbeddingsChunk = z.object({
  space: EmbeddingSpace,
  dim: z.number().int().min(1).max(EMBEDDING_MAX_DIM),
  items: z.array(z.object({ itemId: Id, vector: VectorInput }).strict()).min(1).max(EMBEDDING_CHUNK_ITEMS),
}).strict().transform((chunk, ctx) => {
  if (chunk.items.length * chunk.dim > EMBEDDING_CHUNK_FLOATS) {
    ctx.addIssue({ code: 'custom', path: ['items'], message: `${chunk.items.length} items × ${chunk.dim} floats is more than ${EMBEDDING_CHUNK_FLOATS} a chunk: send fewer items a chunk` });
    return z.NEVER;
  }
  const items: { itemId: number; vector: Float32Array }[] = [];
  let bad = 0;
  chunk.items.forEach((it, i) => {
    const vector = toFloat32(it.vector);
    let problem: string | null = null;
    if (typeof vector === 'number') problem = `base64 holds ${vector} bytes, not whole float32s (${chunk.dim * 4} bytes for dim ${chunk.dim})`;
    else if (vector.length !== chunk.dim) problem = `has ${vector.length} values, not dim ${chunk.dim}`;
    else {
      const at = vector.findIndex((x) => !Number.isFinite(x));
      // A double like 1e39 is finite but overflows float32: refused too.
      if (at >= 0) {
        const raw = Array.isArray(it.vector) ? it.vector[at] : undefined;
        const what = !Array.isArray(it.vector) ? 'not a finite float32' : typeof raw !== 'number' ? `${JSON.stringify(raw)}, not a number` : Number.isFinite(raw) ? 'out of float32 range' : 'not finite';
        problem = `value ${at} is ${Array.isArray(it.vector) ? String(raw) : vector[at]} (${what}): every value must be a finite float32`;
      }
    }
    if (problem) {
      if (bad++ < 3) ctx.addIssue({ code: 'custom', path: ['items', i, 'vector'], message: `item ${it.itemId}: ${problem}` });
      return;
    }
    items.push({ itemId: it.itemId, vector: vector as Float32Array });
  });
  if (bad) return z.NEVER;
  return { space: chunk.space, dim: chunk.dim, items };
});
export type EmbeddingsChunkInput = z.input<typeof EmbeddingsChunk>;
export type EmbeddingsChunk = z.output<typeof EmbeddingsChunk>;
export const EmbeddingsUploadResponse = z.object({ stored: z.number().int().nonnegative(), count: z.number().int().nonnegative() });
