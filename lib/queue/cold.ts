import { clusterStratified, kMeans, randomPick } from '../al/coldstart';
import { mulberry32 } from '../random';
import type { Embeddings } from '../al/types';
import type { QueueSettings } from './settings';

/** Most labeled items passed to k-means as fixed centres (each costs a pass over the sample). */
export const MAX_COLD_CENTRES = 2000;

export interface ColdOptions {
  want: number;
  method: QueueSettings['cold'];
  /** Items that may be picked, distinct. */
  candidates: Int32Array;
  /** Labeled and held items: clusters they already cover get no pick (stratified only). */
  centres: Int32Array;
  seed: number;
}

/**
 * The cold stream, before the model's uncertainty is trusted: one item per k-means cluster
 * of the candidates (around the labeled and held items, so the team covers new clusters),
 * or seeded random when asked or when there are no embeddings. A long label list (a project
 * that stays cold because one class never showed up) is subsampled to MAX_COLD_CENTRES.
 */
export function pickCold(emb: Embeddings | undefined, opts: ColdOptions): { indices: Int32Array; method: QueueSettings['cold'] } {
  const want = Math.max(0, Math.floor(opts.want));
  if (opts.method === 'random' || emb === undefined || want === 0 || opts.candidates.length <= want) {
    return { indices: randomPick(opts.candidates, want, opts.seed).indices, method: 'random' };
  }
  const centres = opts.centres.length > MAX_COLD_CENTRES
    ? randomPick(opts.centres, MAX_COLD_CENTRES, opts.seed ^ 0x2545f491).indices
    : opts.centres;
  const s = clusterStratified(emb, { batch: want, seed: opts.seed, candidates: opts.candidates, centres });
  return { indices: s.indices, method: 'stratified' };
}

/**
 * Fine k-means clusters of a seeded sample, computed once per pool view (embeddings), so a
 * cold deal costs O(k²) instead of a k-means run: the deal covers the clusters the labeled,
 * held and fresh items leave open, spread out like k-means++ over the centroids.
 */
export interface ColdIndex {
  n: number;
  d: number;
  /** Clusters. */
  k: number;
  centroids: Float32Array;
  /** Sampled members per cluster. */
  size: Int32Array;
  /** Members of cluster c are members[start[c] … start[c + 1]), nearest the centroid first. */
  start: Int32Array;
  members: Int32Array;
  /** Squared distance between centroids a and b at [a * k + b]. */
  gap: Float64Array;
  /** Memo: nearest cluster of item i, −1 until asked (a labeled item outside the sample). */
  nearest: Int32Array;
}

export interface ColdIndexOptions {
  /** Clusters (default 48): several per batch, so a batch can skip the covered ones. */
  k?: number;
  /** Items sampled for k-means and for picking (default 10,000: the build blocks the event loop once, ~0.5 s at d = 50). */
  sampleSize?: number;
  seed?: number;
  iterations?: number;
}

export function indexCold(emb: Embeddings, opts: ColdIndexOptions = {}): ColdIndex {
  const { n, d, data } = emb;
  const seed = opts.seed ?? 0x636f6c64;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const sampleSize = opts.sampleSize ?? 10_000;
  const sample = n > sampleSize ? randomPick(all, sampleSize, seed ^ 0x5bd1e995).indices.sort() : all;
  const km = kMeans(emb, { k: Math.min(opts.k ?? 48, sample.length), seed, candidates: sample, iterations: opts.iterations });
  const k = km.centroids.n;
  const centroids = km.centroids.data;
  const nearest = new Int32Array(n).fill(-1);
  const dist = new Float64Array(sample.length);
  const start = new Int32Array(k + 1);
  for (let r = 0; r < sample.length; r++) {
    const c = km.assign[r];
    nearest[sample[r]] = c;
    dist[r] = toCentroid(data, sample[r] * d, centroids, c * d, d);
    start[c + 1]++;
  }
  for (let c = 0; c < k; c++) start[c + 1] += start[c];
  const order = Int32Array.from({ length: sample.length }, (_, r) => r).sort((a, b) => km.assign[a] - km.assign[b] || dist[a] - dist[b] || sample[a] - sample[b]);
  const members = Int32Array.from(order, (r) => sample[r]);
  const gap = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) gap[a * k + b] = gap[b * k + a] = toCentroid(centroids, a * d, centroids, b * d, d);
  return { n, d, k, centroids, size: km.sizes, start, members, gap, nearest };
}

function toCentroid(data: Float32Array, o: number, cent: Float32Array, co: number, d: number): number {
  let s = 0;
  for (let f = 0; f < d; f++) {
    const x = data[o + f] - cent[co + f];
    s += x * x;
  }
  return s;
}

function clusterOf(index: ColdIndex, emb: Embeddings, i: number): number {
  let c = index.nearest[i];
  if (c >= 0) return c;
  let bestD = Infinity;
  for (let b = 0; b < index.k; b++) {
    const s = toCentroid(emb.data, i * index.d, index.centroids, b * index.d, index.d);
    if (s < bestD) {
      bestD = s;
      c = b;
    }
  }
  index.nearest[i] = c;
  return c;
}

export interface IndexedColdOptions {
  want: number;
  /** Non-zero: not to be dealt (labeled, held, mine, fresh, gold, holdout, excluded). */
  blocked: Uint8Array;
  /** Labeled, held and fresh items: their clusters are covered. */
  centres: Int32Array;
  seed: number;
}

/**
 * The stratified cold stream over a ColdIndex. Open clusters (no centre in them) first, each
 * chosen to maximise size × squared distance to the nearest covered or already chosen
 * centroid (the largest far-off cluster; k-means++ on centroids, greedy), and within it the
 * free member nearest its centroid. Once every cluster is covered, one pick per cluster
 * round-robin, fewest centres first (ties from a seeded offset). Past the sample's free
 * members, seeded random free items.
 */
export function pickColdIndexed(emb: Embeddings, index: ColdIndex, opts: IndexedColdOptions): Int32Array {
  const want = Math.max(0, Math.floor(opts.want));
  const { k, size, start, members, gap } = index;
  if (index.n !== emb.n || index.d !== emb.d) throw new RangeError(`cold index built for ${index.n}×${index.d}, the embeddings are ${emb.n}×${emb.d}`);
  const blocked = opts.blocked;
  const out: number[] = [];
  if (want === 0) return new Int32Array(0);
  const centresIn = new Int32Array(k);
  for (const i of opts.centres) centresIn[clusterOf(index, emb, i)]++;
  const far = new Float64Array(k).fill(Infinity);
  for (let b = 0; b < k; b++) {
    if (centresIn[b] === 0) continue;
    for (let c = 0; c < k; c++) if (gap[c * k + b] < far[c]) far[c] = gap[c * k + b];
    far[b] = 0;
  }
  const cursor = new Int32Array(k);
  const picked = new Set<number>();
  const next = (c: number): number => {
    for (let j = start[c] + cursor[c]; j < start[c + 1]; j++) {
      cursor[c]++;
      const i = members[j];
      if (blocked[i] === 0 && !picked.has(i)) return i;
    }
    return -1;
  };
  const take = (i: number) => {
    picked.add(i);
    out.push(i);
  };
  while (out.length < want) {
    let best = -1;
    for (let c = 0; c < k; c++) {
      if (far[c] <= 0 || size[c] === 0 || cursor[c] >= start[c + 1] - start[c]) continue;
      if (best < 0 || better(size[c], far[c], size[best], far[best])) best = c;
    }
    if (best < 0) break;
    const i = next(best);
    far[best] = 0;
    if (i < 0) continue;
    take(i);
    for (let c = 0; c < k; c++) if (gap[c * k + best] < far[c]) far[c] = gap[c * k + best];
  }
  if (out.length < want) {
    // Every cluster covered: round-robin, clusters with the fewest centres first.
    const offset = Math.floor(mulberry32(opts.seed)() * Math.max(1, k));
    const order = Int32Array.from({ length: k }, (_, r) => (offset + r) % k).sort((a, b) => centresIn[a] - centresIn[b]);
    let progress = true;
    while (out.length < want && progress) {
      progress = false;
      for (let r = 0; r < k && out.length < want; r++) {
        const i = next(order[r]);
        if (i >= 0) {
          take(i);
          progress = true;
        }
      }
    }
  }
  if (out.length < want) {
    // The sample is used up: the rest of the pool at random.
    const rest: number[] = [];
    for (let i = 0; i < emb.n; i++) if (blocked[i] === 0 && !picked.has(i)) rest.push(i);
    for (const i of randomPick(Int32Array.from(rest), want - out.length, opts.seed).indices) take(i);
  }
  return Int32Array.from(out);
}

/** size·far compared without Infinity·0: an uncovered pool's first pick is simply the largest cluster. */
function better(sa: number, fa: number, sb: number, fb: number): boolean {
  if (fa === Infinity || fb === Infinity) return fa === fb ? sa > sb : fa === Infinity;
  return sa * fa > sb * fb;
}

/**
 * Seeded random free items by rejection, so a million-item pool is not scanned for a batch:
 * draws until `want` distinct free items or 64 draws per wanted item, then the full scan.
 */
export function randomFree(blocked: Uint8Array, want: number, seed: number): Int32Array {
  const n = blocked.length;
  const rng = mulberry32(seed);
  const picked = new Set<number>();
  for (let t = 0; t < 64 * want && picked.size < want; t++) {
    const i = Math.floor(rng() * n);
    if (blocked[i] === 0) picked.add(i);
  }
  if (picked.size < want) {
    const rest: number[] = [];
    for (let i = 0; i < n; i++) if (blocked[i] === 0 && !picked.has(i)) rest.push(i);
    for (const i of randomPick(Int32Array.from(rest), want - picked.size, seed).indices) picked.add(i);
  }
  return Int32Array.from(picked);
}
