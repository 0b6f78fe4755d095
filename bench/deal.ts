/**
 * Micro-benchmark of one deal (`dealBatch`, no server, no database) on synthetic pools of
 * 100k and 1M items with 10 % holdout (groups of 10), 50 annotators holding 10 items each:
 * trusted (ranking with cached orders, 5 % labeled) and cold (50-d embeddings, 15 labeled,
 * stratified), each with the plain inputs and with the precomputed structures of a pool view
 * (holdout layout, cold clusters). p50/p99 over DEALS deals (default 1,000; the plain cold
 * deal runs k-means each time, so it gets COLD_PLAIN_DEALS, default 100).
 *
 *   npm run bench:deal            SIZES=100000 DEALS=200 HOLDS=0 npm run bench:deal
 *   ONLY=trusted npm run bench:deal    (only the lines whose label starts with ONLY)
 */
import { indexCold } from '../lib/queue/cold';
import { batchSeed, dealBatch } from '../lib/queue/deal';
import { indexHoldout } from '../lib/queue/holdout';
import type { DealInput, RankingView } from '../lib/queue/input';
import { DEFAULT_QUEUE_SETTINGS } from '../lib/queue/settings';
import { mulberry32 } from '../lib/random';
import { machine, percentile } from './stats';

const SIZES = (process.env.SIZES ?? '100000,1000000').split(',').map(Number);
const DEALS = Number(process.env.DEALS ?? 1000);
const COLD_PLAIN_DEALS = Number(process.env.COLD_PLAIN_DEALS ?? 100);
const D = 50;
/** Items other annotators hold (50 annotators × 10 by default); HOLDS=0 times the deal alone. */
const HOLDS = Number(process.env.HOLDS ?? 500);
/** Only the lines whose label starts with this (e.g. `trusted`, `cold`); all by default. */
const ONLY = process.env.ONLY ?? '';

function pool(n: number) {
  const rng = mulberry32(n);
  const clusters = 40;
  const centres = Float32Array.from({ length: clusters * D }, () => (rng() - 0.5) * 20);
  const data = new Float32Array(n * D);
  const score = new Float32Array(n);
  const confidence = new Float32Array(n);
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng() * clusters);
    for (let f = 0; f < D; f++) data[i * D + f] = centres[c * D + f] + (rng() - 0.5) * 4;
    score[i] = rng();
    confidence[i] = 0.5 + 0.5 * rng();
    predicted[i] = c % 10;
  }
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const byScore = all.slice().sort((a, b) => score[b] - score[a]);
  const byConfidence = all.slice().sort((a, b) => confidence[b] - confidence[a]);
  const ranking: RankingView = { version: 1, strategy: 'auto', score, confidence, predicted, byScore, byConfidence };
  // Holdout: every 10th item, groups of 10 consecutive holdout items (frames of one video).
  const hItems: number[] = [];
  for (let i = 0; i < n; i += 10) hItems.push(i);
  const holdout = { item: Int32Array.from(hItems), group: Int32Array.from(hItems, (_, j) => Math.floor(j / 10)) };
  const held = { item: new Int32Array(HOLDS), by: new Int32Array(HOLDS) };
  for (let j = 0; j < HOLDS; j++) {
    held.item[j] = Math.floor(rng() * n);
    held.by[j] = 2 + (j % 50);
  }
  return { emb: { n, d: D, data }, ranking, holdout, held, rng };
}

function labeledSet(rng: () => number, n: number, count: number) {
  const item = new Set<number>();
  while (item.size < count) item.add(Math.floor(rng() * n));
  const items = Int32Array.from(item);
  return { item: items, count: Int32Array.from(items, () => 1) };
}

function time(label: string, base: DealInput, deals: number): void {
  if (!label.startsWith(ONLY)) return;
  const ms: number[] = [];
  let items = 0;
  for (let t = 0; t < deals; t++) {
    const annotator = 2 + (t % 50);
    const t0 = performance.now();
    const b = dealBatch({ ...base, seed: batchSeed(7, annotator, t) });
    ms.push(performance.now() - t0);
    items += b.assignments.length;
  }
  console.log(`${label.padEnd(34)} p50 ${percentile(ms, 50).toFixed(2).padStart(7)} ms   p99 ${percentile(ms, 99).toFixed(2).padStart(7)} ms   (${deals} deals, ${(items / deals).toFixed(1)} items each)`);
}

console.log(`dealBatch micro-benchmark — ${machine()}; ${HOLDS} items held by others`);
for (const n of SIZES) {
  const p = pool(n);
  const settings = { ...DEFAULT_QUEUE_SETTINGS };
  let t0 = performance.now();
  const holdoutIndex = indexHoldout(p.holdout, n);
  const holdoutMs = performance.now() - t0;
  t0 = performance.now();
  const coldIndex = ONLY === '' || 'cold'.startsWith(ONLY) || ONLY.startsWith('cold') ? indexCold(p.emb) : undefined;
  const coldMs = performance.now() - t0;
  console.log(`\n${n.toLocaleString('en')} items, ${p.holdout.item.length.toLocaleString('en')} holdout; build once per view: holdout layout ${holdoutMs.toFixed(0)} ms, cold clusters ${coldIndex ? `${coldMs.toFixed(0)} ms` : "skipped"}`);
  const trusted: DealInput = {
    n, ranking: p.ranking, embeddings: p.emb, trusted: true, labeled: labeledSet(p.rng, n, Math.floor(n * 0.05)),
    held: p.held, holdout: p.holdout, mine: Int32Array.of(1, 2, 3), settings, seed: 0,
  };
  const cold: DealInput = { ...trusted, trusted: false, labeled: labeledSet(p.rng, n, 15), fresh: undefined };
  time('trusted, plain', trusted, DEALS);
  time('trusted, holdout layout', { ...trusted, holdoutIndex }, DEALS);
  time('cold stratified, plain', cold, COLD_PLAIN_DEALS);
  if (coldIndex) time('cold stratified, precomputed', { ...cold, holdoutIndex, coldIndex }, DEALS);
  time('cold random, precomputed', { ...cold, holdoutIndex, settings: { ...settings, cold: 'random' } }, DEALS);
}
