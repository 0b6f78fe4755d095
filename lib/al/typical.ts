import { kMeans, randomPick, type KMeansOptions, type KMeansResult } from './coldstart';
import { allItems, sqDist } from './diversity';
import { graphMergedClusters, MERGE_MAX_CLUSTERS, type AffinityGraph } from './graph-merge';
import type { Embeddings, Selection } from './types';

/**
 * TypiClust (Hacohen, Dekel & Weinshall 2022, "Active learning on a budget"): in the first tens
 * of labels the best buys are *typical* items of *different* regions of the embedding. k-means
 * with as many clusters as labels so far plus the batch; every cluster that holds no label yet
 * gives its most typical member, largest cluster first. Typicality of x is the inverse of its
 * mean distance to its K nearest neighbours within its cluster (the paper's K = 20).
 *
 * Order of work: sample (big pools) → k-means over the sample and the labeled/held items →
 * uncovered clusters by size → typicality inside each chosen cluster → one pick per cluster.
 */

/** Neighbours behind typicality (the paper's choice). */
export const TYPICALITY_NEIGHBOURS = 20;
/** Clusters with fewer members than this are skipped while bigger uncovered ones remain: a tiny cluster is an outlier, not a mode (the paper drops clusters under 5). */
export const MIN_CLUSTER_SIZE = 5;
/** Most clusters k-means is asked for (the paper caps it at 500 too): past it, the batch comes from the biggest uncovered ones. */
export const MAX_CLUSTERS = 500;
/** Members a cluster's typicality is measured over at most (an evenly spaced subset beyond it): keeps the within-cluster kNN to O(m·MAX) per cluster. */
const MAX_TYPICALITY_MEMBERS = 2000;

/**
 * Typicality of each of `members` (item indices): 1 / (mean Euclidean distance to its K nearest
 * other members), K = min(neighbours, members − 1). A lone member scores 0; a member with
 * duplicates at distance 0 scores Infinity (as typical as it gets).
 */
export function typicality(emb: Embeddings, members: Int32Array, neighbours = TYPICALITY_NEIGHBOURS): Float64Array {
  const m = members.length;
  const out = new Float64Array(m);
  const k = Math.min(neighbours, m - 1);
  if (k <= 0) return out;
  const { d, data } = emb;
  // The k smallest distances per row, kept sorted ascending in a small buffer.
  const best = new Float64Array(k);
  for (let r = 0; r < m; r++) {
    best.fill(Infinity);
    for (let q = 0; q < m; q++) {
      if (q === r) continue;
      const s = sqDist(data, members[r], members[q], d);
      if (s >= best[k - 1]) continue;
      let p = k - 1;
      while (p > 0 && best[p - 1] > s) {
        best[p] = best[p - 1];
        p--;
      }
      best[p] = s;
    }
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.sqrt(best[j]);
    out[r] = sum > 0 ? k / sum : Infinity;
  }
  return out;
}

export interface TypicalOptions {
  batch: number;
  seed: number;
  /** Items that may be picked (default: all). */
  candidates?: Int32Array;
  /** Labeled and held items: they join the clustering, and a cluster holding one is covered. */
  centres?: Int32Array;
  /** k-means runs on a seeded sample of at most this many candidates (default 20,000). */
  sampleSize?: number;
  /** Lloyd iterations (default 10). */
  iterations?: number;
  /** k-means runs from different seeded inits; the one with the least within-cluster sum of squares is kept (default 1). */
  restarts?: number;
  neighbours?: number;
  /**
   * Neighbour graphs of several views of the pool: the clusters are k-means' over-clustering
   * merged by these graphs (graph-merge.ts) instead of k-means alone. The strategy passes them
   * for the first batch only (no labels yet), where they were measured.
   */
  graphs?: readonly AffinityGraph[];
}

/**
 * A TypiClust batch. Scores are the pick's typicality. When fewer uncovered clusters than the
 * batch exist (k-means capped at MAX_CLUSTERS, or clusters too small), the rest comes from the
 * clusters with the fewest labels per member, again their most typical free member.
 */
export function typicalCluster(emb: Embeddings, opts: TypicalOptions): Selection {
  const all = opts.candidates ?? allItems(emb.n);
  const centres = opts.centres ?? new Int32Array(0);
  const batch = Math.max(0, Math.min(Math.floor(opts.batch), all.length));
  if (batch === 0) return { indices: new Int32Array(0), scores: new Float32Array(0) };
  const sampleSize = opts.sampleSize ?? 20_000;
  const sample = all.length > sampleSize ? randomPick(all, sampleSize, opts.seed ^ 0x2545f491).indices.sort() : all;
  // Candidates first, then the centres: both are clustered, only candidates may be picked.
  const points = new Int32Array(sample.length + centres.length);
  points.set(sample, 0);
  points.set(centres, sample.length);
  const k = Math.min(centres.length + batch, MAX_CLUSTERS, points.length);
  const assign = opts.graphs && opts.graphs.length > 0 && k <= MERGE_MAX_CLUSTERS
    ? graphMergedClusters(emb, opts.graphs, { k, seed: opts.seed, points, iterations: opts.iterations })
    : bestKMeans(emb, { k, seed: opts.seed, candidates: points, iterations: opts.iterations ?? 10 }, opts.restarts ?? 1).assign;

  const members: number[][] = Array.from({ length: k }, () => []);
  const labeledIn = new Int32Array(k);
  for (let r = 0; r < points.length; r++) {
    const c = assign[r];
    if (r < sample.length) members[c].push(points[r]);
    else labeledIn[c]++;
  }
  // Uncovered big clusters by size, then uncovered small ones, then covered ones by fewest labels per member.
  const size = (c: number) => members[c].length + labeledIn[c];
  const rank = (c: number) => (labeledIn[c] === 0 ? (size(c) >= MIN_CLUSTER_SIZE ? 0 : 1) : 2);
  const order = Array.from({ length: k }, (_, c) => c)
    .filter((c) => members[c].length > 0)
    .sort((a, b) => rank(a) - rank(b)
      || (rank(a) === 2 ? labeledIn[a] / size(a) - labeledIn[b] / size(b) : 0)
      || size(b) - size(a) || a - b);

  const indices: number[] = [];
  const scores: number[] = [];
  // A covered cluster may give more than one pick when the batch outnumbers the clusters: cycle until full.
  const used = new Set<number>();
  while (indices.length < batch) {
    const before = indices.length;
    for (const c of order) {
      if (indices.length >= batch) break;
      const free = Int32Array.from(members[c].filter((i) => !used.has(i)));
      if (free.length === 0) continue;
      const [pick, score] = mostTypical(emb, free, opts.neighbours);
      used.add(pick);
      indices.push(pick);
      scores.push(score);
    }
    if (indices.length === before) break;
  }
  return { indices: Int32Array.from(indices), scores: Float32Array.from(scores) };
}

/** The k-means run of least inertia (within-cluster sum of squares) among `restarts` seeded runs; ties: the earlier run. */
function bestKMeans(emb: Embeddings, opts: KMeansOptions & { candidates: Int32Array }, restarts: number): KMeansResult {
  let best: KMeansResult | undefined;
  let bestInertia = Infinity;
  for (let r = 0; r < Math.max(1, Math.floor(restarts)); r++) {
    const run = kMeans(emb, { ...opts, seed: r === 0 ? opts.seed : (Math.imul(opts.seed, 0x9e3779b1) + r * 0x6d2b79f5) | 0 });
    const inertia = kMeansInertia(emb, run, opts.candidates);
    if (inertia < bestInertia) {
      best = run;
      bestInertia = inertia;
    }
  }
  return best!;
}

function kMeansInertia(emb: Embeddings, run: KMeansResult, points: Int32Array): number {
  const { d, data } = emb;
  const cent = run.centroids.data;
  let sum = 0;
  for (let r = 0; r < points.length; r++) {
    const c = run.assign[r];
    if (c < 0) continue;
    const o = points[r] * d;
    for (let f = 0; f < d; f++) sum += (data[o + f] - cent[c * d + f]) ** 2;
  }
  return sum;
}

/** The most typical of `free` (ties: the lower index), measured over an evenly spaced subset when the cluster is big. */
function mostTypical(emb: Embeddings, free: Int32Array, neighbours?: number): [number, number] {
  const within = free.length > MAX_TYPICALITY_MEMBERS
    ? Int32Array.from({ length: MAX_TYPICALITY_MEMBERS }, (_, j) => free[Math.floor((j * free.length) / MAX_TYPICALITY_MEMBERS)])
    : free;
  const t = typicality(emb, within, neighbours);
  let best = 0;
  for (let r = 1; r < within.length; r++) {
    if (t[r] > t[best] || (t[r] === t[best] && within[r] < within[best])) best = r;
  }
  return [within[best], t[best]];
}
