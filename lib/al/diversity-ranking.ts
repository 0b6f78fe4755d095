import { clusterStratified } from './coldstart';
import { kCenterGreedy } from './diversity';
import type { Embeddings } from './types';

/** Items greedy k-center places one by one before the rest follow by distance (the head annotators reach first). */
export const DIVERSITY_PICKS = 300;
/** Cluster-stratified first picks when nothing is labeled yet (the cold start's batch). */
export const DIVERSITY_COLD_BATCH = 20;

export interface DiversityRankingOptions {
  /** Rows to rank: the open pool (holdout and labeled rows left out, as a model's ranking leaves them). */
  candidates: Int32Array;
  /** Rows already covered (labeled pool items): their neighbourhoods go last. */
  covered: Int32Array;
  seed: number;
  /** Greedy k-center picks before the rest (default DIVERSITY_PICKS). */
  picks?: number;
  /** Cluster-stratified first picks when `covered` is empty (default DIVERSITY_COLD_BATCH). */
  coldBatch?: number;
}

export interface DiversityRanking {
  /** Candidate rows, first to label first. */
  order: Int32Array;
  /** Rank turned into (0, 1], higher first (as `rankPool` scores), so the order survives re-sorting by score. */
  score: Float32Array;
  /** How many of the first rows were chosen one by one (cold start + k-center); the rest follow by distance. */
  picked: number;
  /** Distance from the farthest candidate to its nearest covered row or pick once the picks are made: how well the head covers the pool. */
  radius: number;
}

/**
 * A ranking with no model: diversity over image embeddings, for a task Tandem's trainer has
 * no model for (boxes, keypoints). With nothing labeled, a cluster-stratified first batch
 * (one item per k-means cluster, seeded); then greedy k-center picks starting from the labeled
 * items and those first picks as centres, so what is already covered goes last; then every
 * other candidate, farthest from its nearest centre first (ties by row). Pure: the same
 * inputs and seed give the same order.
 */
export function rankByDiversity(emb: Embeddings, opts: DiversityRankingOptions): DiversityRanking {
  const m = opts.candidates.length;
  if (m === 0) return { order: new Int32Array(0), score: new Float32Array(0), picked: 0, radius: 0 };
  const picks = Math.max(1, Math.min(m, Math.floor(opts.picks ?? DIVERSITY_PICKS)));
  const coldBatch = Math.max(0, Math.floor(opts.coldBatch ?? DIVERSITY_COLD_BATCH));
  const cold = opts.covered.length === 0 && coldBatch > 0
    ? clusterStratified(emb, { batch: Math.min(coldBatch, picks, m), seed: opts.seed, candidates: opts.candidates }).indices
    : new Int32Array(0);

  const isCold = new Uint8Array(emb.n);
  for (const i of cold) isCold[i] = 1;
  const rest = opts.candidates.filter((i) => isCold[i] === 0);
  const order = new Int32Array(m);
  order.set(cold);
  let filled = cold.length;
  let radius = 0;
  let picked = filled;
  if (rest.length > 0) {
    const centres = new Int32Array(opts.covered.length + cold.length);
    centres.set(opts.covered);
    centres.set(cold, opts.covered.length);
    const nearest = new Float64Array(rest.length);
    const k = Math.max(1, Math.min(rest.length, picks - cold.length));
    const sel = kCenterGreedy(emb, { k, candidates: rest, centres: centres.length ? centres : undefined, nearest });
    order.set(sel.indices, filled);
    filled += sel.indices.length;
    picked = filled;
    const tail: number[] = [];
    for (let r = 0; r < rest.length; r++) if (nearest[r] >= 0) tail.push(r);
    tail.sort((a, b) => nearest[b] - nearest[a] || rest[a] - rest[b]);
    radius = tail.length ? nearest[tail[0]] : 0;
    for (const r of tail) order[filled++] = rest[r];
  }
  const score = new Float32Array(m);
  for (let i = 0; i < m; i++) score[i] = 1 - i / m;
  return { order, score, picked, radius };
}
