/**
 * npm run bench:score — one trainer job on a pool of BENCH_POOL (default
 * 1,000,000) items with 128-d embeddings (synthetic: a mixture of 10 Gaussian
 * classes), 1,000 of them labeled, computed as workers/trainer/train.ts
 * computes it for a pool above GRAPH_MAX_ITEMS:
 *
 *   features   buildEmbeddingFeatures (what an ONNX extractor's 128-d rows go
 *              through: unit length, PCA-50 fitted on an evenly spaced 50k
 *              sample, every row projected, edgeless graph)
 *   training   trainRound with the tfjs dense head of loadCompute() (the
 *              model of a pool without a graph) and the strategy
 *   ranking    margin, rankPool, confidence
 *   serialise  rankingChunks (train.ts) and JSON.stringify of each chunk as
 *              the worker client sends it
 *
 * Not timed: loading tfjs (once per trainer process), fetching items and
 * media, the one-time upload of the embeddings, the server storing the chunks.
 * A retrain of the same items takes its features from the cache: total minus
 * `features`.
 *
 * BENCH_SCORE_STRATEGY: strategies to run, comma-separated (default `auto`;
 * the first is the headline, the others reuse its features, e.g.
 * `auto,margin,bald`). BENCH_SCORE_HEAD=softmax: the earlier hand-written
 * softmax head (lib/model/softmax.ts) on the raw 128-d rows instead of the
 * trainer's path, for comparison. Peak memory is the process's max RSS.
 */
import { confidence, margin, rankPool, selectBatch, type Embeddings, type Probs, type Selection, type StrategyName } from '../lib/al';
import { predictSoftmax, trainRound, trainSoftmax } from '../lib/model';
import { buildEmbeddingFeatures } from '../lib/model/embedding';
import { GRAPH_MAX_ITEMS } from '../lib/model/pipeline';
import { mulberry32 } from '../lib/random';
import { loadCompute } from '../workers/trainer/compute';
import { modelName, rankingChunks } from '../workers/trainer/train';
import { machine } from './stats';

const N = Number(process.env.BENCH_POOL ?? 1_000_000);
const D = 128;
const K = 10;
const LABELED = 1000;
/** As train.ts: the strategy orders this many, the rest follows by uncertainty. */
const BATCH = 50;
const HEAD = process.env.BENCH_SCORE_HEAD ?? 'tfjs';
const STRATEGIES = (process.env.BENCH_SCORE_STRATEGY ?? 'auto').split(',').map((s) => s.trim()).filter(Boolean) as StrategyName[];
const CLASSES = Array.from({ length: K }, (_, c) => `class ${c}`);

function synthetic(): { x: Embeddings; truth: Int32Array } {
  const rand = mulberry32(42);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const centres = Float32Array.from({ length: K * D }, () => gauss() * 0.12);
  const data = new Float32Array(N * D);
  const truth = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const c = Math.floor(rand() * K);
    truth[i] = c;
    for (let f = 0; f < D; f++) data[i * D + f] = centres[c * D + f] + gauss();
  }
  return { x: { n: N, d: D, data }, truth };
}

function accuracy(probs: Probs, truth: Int32Array): number {
  let right = 0;
  for (let i = 0; i < probs.n; i++) {
    let best = 0;
    for (let c = 1; c < K; c++) if (probs.data[i * K + c] > probs.data[i * K + best]) best = c;
    if (best === truth[i]) right++;
  }
  return +(right / probs.n).toFixed(3);
}

/** ranking and serialise, as train.ts and the worker client do them. */
function rankAndSerialise(probs: Probs, selection: Selection, candidates: Int32Array, itemIds: Int32Array, lap: (name: string) => void): number {
  const uncertainty = margin(probs);
  const ranked = rankPool({ candidates, selection, uncertainty });
  const conf = confidence(probs);
  lap('ranking');
  const chunks = rankingChunks(ranked, { probs, conf, uncertainty }, itemIds, CLASSES);
  let bytes = 0;
  chunks.forEach((entries, index) => { bytes += JSON.stringify({ index, total: chunks.length, entries }).length; });
  lap('serialise');
  return +(bytes / 2 ** 20).toFixed(1);
}

async function main() {
  const { x, truth } = synthetic();
  const rows = Int32Array.from({ length: LABELED }, (_, i) => i * Math.floor(N / LABELED));
  const labels = new Int32Array(N).fill(-1);
  for (const r of rows) labels[r] = truth[r];
  const itemIds = Int32Array.from({ length: N }, (_, i) => i + 1);
  const candidates = new Int32Array(N - LABELED);
  for (let i = 0, j = 0; i < N; i++) if (labels[i] < 0) candidates[j++] = i;
  const head = {
    date: new Date().toISOString(), machine: machine(), pool: N, dims: D, classes: K, labeled: LABELED,
    inputMB: Math.round((N * D * 4) / 2 ** 20),
  };

  if (HEAD === 'softmax') {
    const phases: Record<string, number> = {};
    let t = performance.now();
    const t0 = t;
    const lap = (name: string) => { phases[name] = Math.round(performance.now() - t); t = performance.now(); };
    const model = trainSoftmax(x, rows, Int32Array.from(rows, (r) => truth[r]), K);
    lap('train head');
    const probs = predictSoftmax(model, x);
    lap('predict pool');
    const selection = selectBatch('auto', { probs, embeddings: x, labeledIdx: rows, candidates, batch: BATCH, seed: 1, classesSeen: K });
    lap('strategy (auto)');
    const uploadMB = rankAndSerialise(probs, selection, candidates, itemIds, lap);
    console.log(JSON.stringify({
      ...head, head: 'hand-written softmax on the raw rows (lib/model/softmax.ts), not the trainer path',
      totalMs: Math.round(performance.now() - t0), phases, uploadMB,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), accuracyOnPool: accuracy(probs, truth),
    }, null, 2));
    return;
  }
  if (HEAD !== 'tfjs') throw new Error(`BENCH_SCORE_HEAD must be tfjs (default) or softmax (got "${HEAD}")`);

  let t = performance.now();
  const compute = await loadCompute();
  if (!compute.head) throw new Error(`the trainer's tfjs head did not start: ${compute.tfError}`);
  const loadMs = Math.round(performance.now() - t);
  if (N <= GRAPH_MAX_ITEMS) console.warn(`BENCH_POOL ${N} ≤ GRAPH_MAX_ITEMS ${GRAPH_MAX_ITEMS}: the trainer builds the kNN graph and spreads labels on this pool`);

  t = performance.now();
  const features = buildEmbeddingFeatures(x);
  const featuresMs = Math.round(performance.now() - t);
  const runs = [];
  for (const strategy of STRATEGIES) {
    const phases: Record<string, number> = runs.length === 0 ? { features: featuresMs } : {};
    t = performance.now();
    const t0: number = runs.length === 0 ? t - featuresMs : t;
    const lap = (name: string) => { phases[name] = Math.round(performance.now() - t); t = performance.now(); };
    const round = trainRound({ features, labels, k: K, candidates, strategy, batch: BATCH, seed: 1, head: compute.head });
    lap('training');
    const uploadMB = rankAndSerialise(round.probs, round.selection, candidates, itemIds, lap);
    runs.push({
      strategy, model: modelName('bench128-pca50-knn7-label-spreading', round), samples: round.samples ?? null,
      totalMs: Math.round(performance.now() - t0), phases, uploadMB,
      peakRssMBSoFar: Math.round(process.resourceUsage().maxRSS / 1024), accuracyOnPool: accuracy(round.probs, truth),
    });
  }
  console.log(JSON.stringify({
    ...head, backend: compute.backend, tf: compute.tf, loadTfMs: loadMs, embeddingDims: features.embeddings.d,
    runs, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
