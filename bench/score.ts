/**
 * npm run bench:score — the trainer's scoring and ranking step on a pool of
 * BENCH_POOL (default 1,000,000) items with 128-d embeddings (synthetic: a
 * mixture of 10 Gaussian classes), 1,000 of them labeled: train the softmax
 * head, predict every item, let `auto` choose the batch, order the whole pool
 * and serialise the upload chunks exactly as the worker sends them. Peak
 * memory is the process's max RSS. (Label spreading's neighbour graph is for
 * pools up to ~100k; a pool this size uses the head on embeddings.)
 */
import { confidence, margin, rankPool, selectBatch } from '../lib/al';
import { predictSoftmax, trainSoftmax } from '../lib/model';
import { mulberry32 } from '../lib/random';
import { machine } from './stats';

const N = Number(process.env.BENCH_POOL ?? 1_000_000);
const D = 128;
const K = 10;
const LABELED = 1000;

function main() {
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
  const x = { n: N, d: D, data };
  const phases: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => { phases[name] = Math.round(performance.now() - t); t = performance.now(); };
  const t0 = t;

  const rows = Int32Array.from({ length: LABELED }, (_, i) => i * Math.floor(N / LABELED));
  const head = trainSoftmax(x, rows, Int32Array.from(rows, (r) => truth[r]), K);
  lap('train head');
  const probs = predictSoftmax(head, x);
  lap('predict pool');
  const isLabeled = new Uint8Array(N);
  for (const r of rows) isLabeled[r] = 1;
  const candidates = new Int32Array(N - LABELED);
  for (let i = 0, j = 0; i < N; i++) if (!isLabeled[i]) candidates[j++] = i;
  const selection = selectBatch('auto', { probs, embeddings: x, labeledIdx: rows, candidates, batch: 50, seed: 1, classesSeen: K });
  lap('strategy (auto, batch 50)');
  const uncertainty = margin(probs);
  const ranked = rankPool({ candidates, selection, uncertainty });
  const conf = confidence(probs);
  lap('order the pool');
  let bytes = 0;
  const CHUNK = 5000;
  for (let start = 0; start < ranked.order.length; start += CHUNK) {
    const entries = [];
    for (let j = start; j < Math.min(ranked.order.length, start + CHUNK); j++) {
      const row = ranked.order[j];
      let best = 0;
      for (let c = 1; c < K; c++) if (probs.data[row * K + c] > probs.data[row * K + best]) best = c;
      entries.push({ itemId: row + 1, score: ranked.score[j], predicted: String(best), confidence: conf[row] });
    }
    bytes += JSON.stringify({ index: start / CHUNK, total: Math.ceil(ranked.order.length / CHUNK), entries }).length;
  }
  lap('serialise upload chunks');
  let right = 0;
  for (let i = 0; i < N; i++) {
    let best = 0;
    for (let c = 1; c < K; c++) if (probs.data[i * K + c] > probs.data[i * K + best]) best = c;
    if (best === truth[i]) right++;
  }
  console.log(JSON.stringify({
    date: new Date().toISOString(), machine: machine(), pool: N, dims: D, classes: K, labeled: LABELED,
    totalMs: Math.round(performance.now() - t0), phases,
    uploadMB: +(bytes / 2 ** 20).toFixed(1),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    inputMB: Math.round((N * D * 4) / 2 ** 20),
    accuracyOnPool: +(right / N).toFixed(3),
  }, null, 2));
}

main();
