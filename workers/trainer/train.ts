import { createHash } from 'node:crypto';
import type { Job, RankingEntry } from '../../lib/protocol/worker';
import { encodeVectorBase64, MEDIA_BATCH, type WorkerItem } from '../../lib/protocol/worker';
import { confidence, margin, rankPool, type AutoPhase, type Embeddings, type Probs, type StrategyName } from '../../lib/al';
import { holdoutMetrics, selectHead, trainRound, type Features, type HeadChoice, type RoundResult } from '../../lib/model';
import { auroc, labeledStillUncertain, rankingChurn, reliability } from '../../lib/model/evidence';
import type { FeatureCache } from './cache';
import { SPREADING_ONLY, versionBackend, type Compute } from './compute';
import type { WorkerClient } from './client';
import { PIXEL_EXTRACTOR, type Extractor, type Extractors } from './extractor';
import { builtinRankingOf } from '../../lib/tasks';
import { DIVERSITY_STRATEGY, diversityChunks, diversityModelName, diversityRound } from './diversity';

const CHUNK = 5000;
/** Media requests in flight at once (each carries up to MEDIA_BATCH images). */
const FETCH_PARALLEL = 4;
/** Items the strategy orders itself (diverse, uncertain); the rest of the pool follows by uncertainty. */
const BATCH = 50;

/** What one project's pool costs to prepare, kept between retrains: media and the graph change only with the items. */
interface PoolState {
  /** What the rows are (Extractor.key): thumbnails, or one ONNX model's embeddings. */
  extractor: string;
  itemIds: number[];
  index: Map<number, number>;
  pixels: Float32Array;
  features?: Features;
  /** The embedding space of `features` (spaceName), and whether the server has it: asked once per state, uploaded once per space. */
  space?: string;
  shared?: 'yes' | 'unsupported';
  /** The previous version's ranking (item ids in rank order), for its churn; lost with the process. */
  lastRanking?: Int32Array;
  /** The previous version's head choice, reused until the labels grow (lib/model/heads.ts); lost with the process. */
  lastHead?: HeadChoice;
  /** `auto` trusted the model's uncertainty in an earlier round (lib/model trainRound's `trust`); lost with the process, then measured again. */
  trusted?: boolean;
}

export interface JobReport {
  labelCount: number;
  metrics: (ReturnType<typeof holdoutMetrics> & { meanUncertainty?: number; autoPhase?: AutoPhase; labeledAccuracy?: number | null; head?: HeadChoice } & Partial<Evidence>) | null;
  entries: number;
  /** The strategy the ranking is applied under: the project's, or DIVERSITY_STRATEGY for a ranking without a model. */
  strategy: string;
  /** A diversity ranking's k-center picks and the coverage radius after them (logged). */
  diversity?: { picked: number; radius: number };
  seconds: number;
  phases: Record<string, number>;
  /** The model behind the ranking: the extractor's features and the head that ran on them (see modelName). */
  model: string;
  /** The compute: the embedding's when it has its own, then label spreading and the tfjs head (versionBackend). */
  backend: string;
  /** The space the server holds this job's features in (the ranking names it), or null: not shared (an older server, or the upload failed). */
  embeddingSpace: string | null;
  /** Why the features could not be shared; the job goes on without them. */
  embeddingsError?: string;
  /** Entries at the top that are the strategy's batch (CompleteJobRequest.lead); only for a server that sent the job's batchSize. */
  lead?: number;
}

export type ProgressFn = (phase: string, done: number, total: number) => void;

/** Items per embeddings upload: ~300 KB of JSON at 50-d (base64 float32). */
export const EMBEDDINGS_CHUNK = 1000;

/**
 * The name of an embedding space: what made the features (the extractor and
 * their kind and size) and a hash of the item ids and vectors, so one name
 * always means the same vectors (a PCA refitted on new items gets a new name)
 * and a restarted trainer with the same features finds its space uploaded.
 */
export function spaceName(ex: Pick<Extractor, 'space'>, itemIds: ArrayLike<number>, emb: Embeddings): string {
  const ids = Int32Array.from(itemIds);
  const hash = createHash('sha256')
    .update(new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength))
    .update(new Uint8Array(emb.data.buffer, emb.data.byteOffset, emb.n * emb.d * 4))
    .digest('hex');
  return `${ex.space(emb.d)}:${hash.slice(0, 16)}`;
}

/**
 * One retrain: fetch what changed, embed new items (raw pixels → PCA-50, or
 * the project's ONNX model → its embedding, see extractor.ts),
 * rebuild the kNN graph when the items changed, spread the labels over it
 * (label spreading with class-mass normalisation: the best of the models we
 * measured for few labels, see FACTS.md), measure on the holdout, rank the
 * open pool with the project's strategy, upload in chunks and complete.
 * `compute` (compute.ts) brings the tfjs dense head: MC-dropout passes for
 * BALD and vote entropy, and the model of a pool too large for the graph.
 */
export function createTrainer(client: WorkerClient, cache?: FeatureCache, extractors?: Extractors, compute: Compute = SPREADING_ONLY) {
  const pools = new Map<number, PoolState>();

  async function prepare(job: Job, items: WorkerItem[], progress: ProgressFn, ex: Extractor): Promise<PoolState> {
    const DIM = ex.dim;
    const ids = items.map((i) => i.id);
    let state = pools.get(job.projectId);
    // The project's embedding model changed: no row carries over.
    if (state && state.extractor !== ex.key) state = undefined;
    const same = state && state.itemIds.length === ids.length && state.itemIds.every((id, i) => id === ids[i]);
    if (state && same) return state;
    if (!state && cache) {
      // A restarted trainer: start from the thumbnails on disk, fetch only what is new.
      const saved = cache.loadPixels(job.projectId, ex.key);
      if (saved && saved.pixels.length === saved.ids.length * DIM) {
        state = { extractor: ex.key, itemIds: Array.from(saved.ids), index: new Map(Array.from(saved.ids, (id, i) => [id, i])), pixels: saved.pixels };
      }
    }
    const pixels = new Float32Array(ids.length * DIM);
    const index = new Map(ids.map((id, i) => [id, i]));
    const missing: number[] = [];
    ids.forEach((id, i) => {
      const old = state?.index.get(id);
      if (state && old !== undefined) pixels.set(state.pixels.subarray(old * DIM, (old + 1) * DIM), i * DIM);
      else missing.push(id);
    });
    const batches: number[][] = [];
    for (let start = 0; start < missing.length; start += MEDIA_BATCH) batches.push(missing.slice(start, start + MEDIA_BATCH));
    let done = 0;
    for (let b = 0; b < batches.length; b += FETCH_PARALLEL) {
      await Promise.all(batches.slice(b, b + FETCH_PARALLEL).map(async (batch) => {
        const media = await client.mediaBatch(job.projectId, batch);
        await ex.encode(batch.map((id) => media.get(id)!), pixels, batch.map((id) => index.get(id)!));
        done += batch.length;
        progress('fetching media', done, missing.length);
      }));
    }
    // New items, same project: the churn still compares with the last ranking (over the items both hold).
    state = { extractor: ex.key, itemIds: ids, index, pixels, lastRanking: state?.lastRanking, lastHead: state?.lastHead, trusted: state?.trusted };
    pools.set(job.projectId, state);
    if (missing.length > 0) cache?.savePixels(job.projectId, Int32Array.from(ids), pixels, ex.key);
    return state;
  }

  /**
   * Makes sure the server holds this state's features (the dealer spreads
   * batches in them): asks once per pool state, uploads a missing space once
   * in chunks. Null when the server predates embedding uploads.
   */
  async function shareEmbeddings(job: Job, state: PoolState, ex: Extractor, progress: ProgressFn): Promise<string | null> {
    const emb = state.features!.embeddings;
    state.space ??= spaceName(ex, state.itemIds, emb);
    if (state.shared === 'yes') return state.space;
    if (state.shared === 'unsupported') return null;
    const have = await client.embeddingsStatus(job.projectId, state.space);
    if (!have) {
      state.shared = 'unsupported';
      return null;
    }
    if (have.count < emb.n || have.dim !== emb.d) {
      for (let start = 0; start < emb.n; start += EMBEDDINGS_CHUNK) {
        const end = Math.min(emb.n, start + EMBEDDINGS_CHUNK);
        const items = [];
        for (let row = start; row < end; row++) {
          items.push({ itemId: state.itemIds[row], vector: encodeVectorBase64(emb.data.subarray(row * emb.d, (row + 1) * emb.d)) });
        }
        await client.uploadEmbeddings(job.projectId, { space: state.space, dim: emb.d, items });
        progress('uploading embeddings', end, emb.n);
      }
    }
    state.shared = 'yes';
    return state.space;
  }

  /** A job's ranking and report; `after`, when given, is work for once the ranking is applied (the next round's head). */
  async function run(job: Job, progress: ProgressFn): Promise<{ entries: RankingEntry[][]; report: JobReport; after?: () => void }> {
    const t0 = performance.now();
    const phases: Record<string, number> = {};
    const lap = (name: string, since: number) => { phases[name] = Math.round(performance.now() - since); return performance.now(); };
    // After seconds of computing, let the event loop see what happened meanwhile (a keep-alive socket
    // the server closed) before the next request goes out on it.
    const breathe = () => new Promise<void>((r) => setTimeout(r, 0));
    let t = t0;
    const [items, labels, ex] = await Promise.all([
      client.allItems(job.projectId), client.allLabels(job.projectId), extractors?.forProject(job.projectId) ?? PIXEL_EXTRACTOR,
    ]);
    t = lap('fetch lists', t);
    const state = await prepare(job, items, progress, ex);
    t = lap('media', t);
    const n = items.length;
    if (!state.features) {
      const ids = Int32Array.from(state.itemIds);
      const saved = cache?.loadFeatures(job.projectId, ids, ex.key);
      if (saved && saved.embeddings.n === n) {
        state.features = saved;
        t = lap('features from cache', t);
      } else {
        progress('embedding', 0, n);
        // Between the views' builds the loop runs for a moment, so the job's heartbeat (a timer) is sent.
        const rows = { n, d: ex.dim, data: state.pixels };
        state.features = ex.featuresInSteps ? await ex.featuresInSteps(rows, () => new Promise<void>((r) => setTimeout(r, 200))) : ex.features(rows);
        t = lap('features', t);
        cache?.saveFeatures(job.projectId, ids, state.features, ex.key);
        await breathe();
      }
    }

    if (builtinRankingOf(job.taskType) === 'diversity') {
      // No model for this task type: the pool is ordered by diversity over the same embeddings.
      progress('ranking', 0, n);
      const ranked = diversityRound(items, labels, state.index, state.features.embeddings, job.id);
      t = lap('ranking', t);
      await breathe();
      const { embeddingSpace, embeddingsError } = await sharedOrWhyNot(() => shareEmbeddings(job, state, ex, progress));
      t = lap('embeddings', t);
      const labelCount = labels.filter((l) => state.index.has(l.itemId)).length;
      return {
        entries: diversityChunks(ranked, state.itemIds, CHUNK),
        report: {
          labelCount, metrics: null, entries: ranked.order.length, seconds: (performance.now() - t0) / 1000, phases, strategy: DIVERSITY_STRATEGY,
          model: diversityModelName(ex.space(state.features.embeddings.d)), backend: versionBackend(compute, ex.backend), embeddingSpace, embeddingsError,
          diversity: { picked: ranked.picked, radius: ranked.radius },
        },
      };
    }

    const k = job.classes.length;
    const classOf = new Map(job.classes.map((c, i) => [c, i]));
    const train = new Int32Array(n).fill(-1);
    const truth = new Int32Array(n).fill(-1);
    const holdoutRows: number[] = [];
    const labeledRows: number[] = [];
    for (const l of labels) {
      const row = state.index.get(l.itemId);
      const cls = l.label === null ? undefined : classOf.get(l.label);
      if (row === undefined || cls === undefined) continue;
      truth[row] = cls;
      // Holdout labels measure the model; they never train it.
      if (items[row].split === 'holdout') holdoutRows.push(row);
      else {
        train[row] = cls;
        labeledRows.push(row);
      }
    }
    progress('training', 0, labeledRows.length);
    const candidates = Int32Array.from(items.flatMap((it, i) => (it.split === 'pool' && it.status === 'open' && train[i] < 0 ? [i] : [])));
    const headPixels = ex.key === PIXEL_EXTRACTOR.key ? { n, d: ex.dim, data: state.pixels } : undefined;
    const round = withTfCause(compute, () => trainRound({
      features: state.features!, labels: train, k, candidates,
      strategy: job.strategy as StrategyName, batch: BATCH, seed: job.id, head: compute.head,
      // Candidate heads picked by CV on the labels (raw pixels a candidate only when the rows are pixels): this
      // round fits the last pick; the CV for today's labels runs after the ranking is applied (`after`), so the
      // ranking never waits seconds for it. The first round of a process picks in the round.
      heads: { choose: 'auto', previous: state.lastHead, use: state.lastHead, pixels: headPixels },
      trustedBefore: state.trusted,
      // A low-budget batch is picked a dealt batch at a time: whatever prefix the dealer hands out is a batch of its own.
      ...(job.batchSize !== undefined ? { step: job.batchSize } : {}),
    }));
    state.lastHead = round.head;
    if (round.trust?.phase === 'spaced-margin') state.trusted = true;
    const features = state.features!;
    const after = round.head ? () => {
      state.lastHead = selectHead({ ...features, pixels: headPixels }, train, k, { seed: job.id, previous: state.lastHead });
    } : undefined;
    const { probs, selection } = round;
    t = lap('training', t);
    const uncertainty = margin(probs);
    const ranked = rankPool({ candidates, selection, uncertainty });
    const rankedIds = Int32Array.from(ranked.order, (row) => state.itemIds[row]);
    const metrics = holdoutRows.length > 0
      ? {
        ...holdoutMetrics(probs, truth, Int32Array.from(holdoutRows)), meanUncertainty: meanOver(uncertainty, candidates),
        ...(round.trust ? { autoPhase: round.trust.phase, ...(round.trust.labeledAccuracy !== undefined ? { labeledAccuracy: round.trust.labeledAccuracy } : {}) } : {}),
        ...(round.head ? { head: round.head } : {}),
        ...evidence(probs, truth, Int32Array.from(holdoutRows), uncertainty, {
          labeledRows, candidates, previous: state.lastRanking ?? cache?.loadRanking(job.projectId) ?? undefined, ranked: rankedIds,
        }),
      }
      : null;
    // Churn compares models: a ranking before any label (picks, then item order) is not one.
    if (labeledRows.length > 0) {
      state.lastRanking = rankedIds;
      cache?.saveRanking(job.projectId, rankedIds);
    }
    const conf = confidence(probs);
    t = lap('ranking', t);
    await breathe();
    // After ranking, so a first job's one-time upload does not hold back its training; an upload that
    // fails costs the dealer its spread (it deals in rank order), never the ranking.
    const { embeddingSpace, embeddingsError } = await sharedOrWhyNot(() => shareEmbeddings(job, state, ex, progress));
    t = lap('embeddings', t);

    // Before any label the model is a flat prior: the ranking carries no guesses (no prelabel of "class 1 at 10%").
    const entries = rankingChunks(ranked, labeledRows.length > 0 ? { probs, conf, uncertainty } : undefined, state.itemIds, job.classes);
    return {
      entries, after,
      report: {
        labelCount: labeledRows.length + holdoutRows.length, metrics, entries: ranked.order.length, strategy: job.strategy, seconds: (performance.now() - t0) / 1000, phases,
        model: modelName(ex.modelFor?.(state.features!.embeddings.d) ?? ex.model, round), backend: versionBackend(compute, ex.backend), embeddingSpace, embeddingsError,
        // A server that sends the batch size knows the field (older ones refuse unknown fields).
        ...(job.batchSize !== undefined ? { lead: ranked.lead } : {}),
      },
    };
  }

  return { run, forget: (projectId: number) => pools.delete(projectId) };
}

/** The embedding space uploaded, or why not: a failed upload costs the dealer its spread, never the ranking. */
async function sharedOrWhyNot(share: () => Promise<string | null>): Promise<{ embeddingSpace: string | null; embeddingsError?: string }> {
  try {
    return { embeddingSpace: await share() };
  } catch (e) {
    return { embeddingSpace: null, embeddingsError: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The ranking as the worker uploads it: chunks of CHUNK entries in rank
 * order, each naming the item, its score, and with a model (one label at
 * least) the model's class and confidence and its uncertainty (lib/al `margin`: 1 − the margin between the top two
 * classes, meanUncertainty's measure).
 */
export function rankingChunks(
  ranked: { order: Int32Array; score: Float32Array }, model: { probs: Probs; conf: Float32Array; uncertainty: Float32Array } | undefined, itemIds: ArrayLike<number>, classes: string[],
): RankingEntry[][] {
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  const entries: RankingEntry[][] = [];
  for (let start = 0; start < ranked.order.length; start += CHUNK) {
    const chunk: RankingEntry[] = [];
    for (let j = start; j < Math.min(ranked.order.length, start + CHUNK); j++) {
      const row = ranked.order[j];
      if (!model) {
        chunk.push({ itemId: itemIds[row], score: ranked.score[j] });
        continue;
      }
      const { probs, conf, uncertainty } = model;
      const { k } = probs;
      let best = 0;
      for (let c = 1; c < k; c++) if (probs.data[row * k + c] > probs.data[row * k + best]) best = c;
      chunk.push({
        itemId: itemIds[row], score: ranked.score[j], predicted: classes[best], confidence: clamp(conf[row]), uncertainty: clamp(uncertainty[row]),
      });
    }
    entries.push(chunk);
  }
  return entries;
}

/** Runs a round; when it failed for want of the tfjs head, the error says why tfjs is missing on this trainer. */
function withTfCause<T>(compute: Compute, round: () => T): T {
  try {
    return round();
  } catch (e) {
    if (compute.head || !(e instanceof Error) || !/dense head/.test(e.message)) throw e;
    throw new Error(`${e.message.replace(/ \(tfjs did not start\?\)$/, '')}: tfjs did not start on this trainer (${compute.tfError ?? 'not loaded'})`);
  }
}

/**
 * The model version's name: the extractor's (features and label spreading,
 * e.g. pca50-knn7-label-spreading) when the graph ran, its head swapped for
 * the dense head's name when the pool was too large for a graph, and the MC
 * passes named when the strategy used them.
 */
export function modelName(extractorModel: string, round: Pick<RoundResult, 'model' | 'samples' | 'head'>): string {
  const base = round.model.kind === 'dense' ? extractorModel.replace(/knn\d+-label-spreading$/, round.model.name)
    : round.head?.head === 'logistic-embedding' ? extractorModel.replace(/knn\d+-label-spreading$/, 'logistic')
    : round.head?.head === 'logistic-pixels' ? 'pixels-logistic'
    : extractorModel;
  const s = round.samples;
  if (!s) return base;
  return s.kind === 'mc-dropout'
    ? (round.model.kind === 'dense' ? `${base} MC-dropout ×${s.passes}` : `${base} + ${s.head} MC-dropout ×${s.passes}`)
    : `${base} + bootstrap committee ×${s.members}`;
}

/** What the model page shows beside the holdout metrics (lib/model/evidence.ts, HoldoutMetrics in the worker protocol). */
export interface Evidence {
  uncertaintyAuroc: number | null;
  reliability: ReturnType<typeof reliability>['bins'];
  churn: { topOverlap: number | null; rankCorrelation: number | null; labeledStillUncertain: number | null };
}

/** Bins of the reliability diagram: those of holdoutMetrics' ECE, so the diagram and the number agree. */
const RELIABILITY_BINS = 15;

/**
 * Evidence of one version: the uncertainty sent with the ranking (1 − margin) as a detector of
 * holdout errors, the reliability diagram, and the ranking's churn against the previous version
 * this trainer made for the project (none after a restart).
 */
export function evidence(
  probs: Probs, truth: Int32Array, holdoutRows: Int32Array, uncertainty: Float32Array,
  o: { labeledRows: ArrayLike<number>; candidates: Int32Array; previous?: Int32Array; ranked: Int32Array },
): Evidence {
  const { k, data } = probs;
  const wrong = Array.from(holdoutRows, (row) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (data[row * k + c] > data[row * k + best]) best = c;
    return best !== truth[row];
  });
  const clamp = (x: number | null) => (x === null ? null : Math.min(1, Math.max(0, x)));
  const churn = o.previous ? rankingChurn(o.previous, o.ranked, 100) : null;
  return {
    uncertaintyAuroc: auroc(Array.from(holdoutRows, (r) => uncertainty[r]), wrong),
    reliability: reliability(probs, truth, holdoutRows, RELIABILITY_BINS).bins.map((b) => ({
      ...b, confidence: clamp(b.confidence), accuracy: clamp(b.accuracy),
    })),
    churn: {
      topOverlap: churn?.topOverlap ?? null,
      rankCorrelation: churn?.rankCorrelation === null || churn === null ? null : Math.min(1, Math.max(-1, churn.rankCorrelation)),
      labeledStillUncertain: labeledStillUncertain(uncertainty, o.labeledRows, o.candidates),
    },
  };
}

/** Mean of `values` over the given rows, clamped to [0, 1] against float rounding (0 for no rows). */
function meanOver(values: Float32Array, rows: Int32Array): number {
  if (rows.length === 0) return 0;
  let sum = 0;
  for (const r of rows) sum += values[r];
  return Math.min(1, Math.max(0, sum / rows.length));
}
