import { kMeans } from './coldstart';
import type { Embeddings } from './types';

/**
 * Clusters for TypiClust's first batch when the pool has neighbour graphs of more than one view
 * (lib/model `Features.otherViews`): k-means with OVERCLUSTER × k clusters on the embedding,
 * then the two clusters most tied together by the graphs merge, until k remain.
 *
 * Why: k-means with k clusters wants round clusters of like size, so on digits it splits a long
 * class (the 1s) in two and leaves two touching classes (4 and 9) in one; the first batch then
 * misses a class. Small k-means clusters do not straddle classes as often, and the graphs the
 * model spreads labels on tell which of them belong together. Measured with
 * `npm run bench:al-first10` (docs/benchmarks.md, 2026-12-05): with two views, the first 10
 * picks covered all ten digits in 10 of 10 seeds against 3 of 10 for k-means alone; k-means on
 * one view's rows, merged the same way, missed a class in every seed, so it is used only with
 * several views.
 *
 * Ties between clusters a and b: W(a, b) / √(vol a · vol b), the graphs' edge weight between them
 * over the geometric mean of their total weights (normalised association). Over the smaller
 * cluster's weight instead, the pieces of the 1s stayed apart in half the seeds; over the larger
 * one's, small clusters never merged.
 */

/** Clusters k-means is asked for, as a multiple of the clusters wanted. */
export const OVERCLUSTER = 4;
/** Clusters wanted above which the merge is skipped (it costs O((OVERCLUSTER·k)³)): plain k-means instead. */
export const MERGE_MAX_CLUSTERS = 100;

/** A symmetric weighted graph over the pool's items in compressed sparse rows (lib/model `Graph`). */
export interface AffinityGraph {
  n: number;
  rowStart: Int32Array;
  cols: Int32Array;
  weights: Float32Array;
}

export interface MergeOptions {
  k: number;
  seed: number;
  /** Items to cluster. */
  points: Int32Array;
  iterations?: number;
}

/** Per point (in `points` order): its cluster, 0 … k − 1. */
export function graphMergedClusters(emb: Embeddings, graphs: readonly AffinityGraph[], opts: MergeOptions): Int32Array {
  const { points } = opts;
  const over = Math.min(points.length, Math.max(opts.k, OVERCLUSTER * opts.k));
  const { assign, sizes } = kMeans(emb, { k: over, seed: opts.seed, candidates: points, iterations: opts.iterations ?? 10 });
  const clusterOf = new Int32Array(emb.n).fill(-1);
  points.forEach((item, r) => { clusterOf[item] = assign[r]; });

  const tie = Array.from({ length: over }, () => new Float64Array(over));
  const volume = new Float64Array(over);
  for (const g of graphs) {
    if (g.n !== emb.n) throw new RangeError(`graphMergedClusters: a graph of ${g.n} nodes for ${emb.n} items`);
    for (const i of points) {
      const a = clusterOf[i];
      for (let p = g.rowStart[i]; p < g.rowStart[i + 1]; p++) {
        const b = clusterOf[g.cols[p]];
        if (b < 0) continue;
        volume[a] += g.weights[p];
        if (a !== b) tie[a][b] += g.weights[p];
      }
    }
  }
  // Union by relabelling: merged[c] is the cluster c now belongs to.
  const merged = Int32Array.from({ length: over }, (_, c) => c);
  const alive = new Set<number>();
  sizes.forEach((size, c) => { if (size > 0) alive.add(c); });
  while (alive.size > opts.k) {
    let bestA = -1;
    let bestB = -1;
    let best = -1;
    for (const a of alive) {
      for (const b of alive) {
        if (b <= a) continue;
        const v = volume[a] * volume[b];
        const s = v > 0 ? tie[a][b] / Math.sqrt(v) : 0;
        if (s > best) { best = s; bestA = a; bestB = b; }
      }
    }
    for (const c of alive) {
      if (c === bestA || c === bestB) continue;
      tie[bestA][c] += tie[bestB][c];
      tie[c][bestA] = tie[bestA][c];
    }
    volume[bestA] += volume[bestB];
    alive.delete(bestB);
    for (let c = 0; c < over; c++) if (merged[c] === bestB) merged[c] = bestA;
  }
  // Renumber the survivors 0 … k − 1 in order of their first member.
  const number = new Map<number, number>();
  return Int32Array.from(assign, (c) => {
    const root = merged[c];
    if (!number.has(root)) number.set(root, number.size);
    return number.get(root)!;
  });
}
