import { mulberry32 } from '../random';
import { allItems, kMeansPlusPlus, sqDist } from './diversity';
import type { Embeddings, Selection } from './types';

/**
 * Cold start: what to label before the model's uncertainty means anything. A random batch, or a
 * cluster-stratified one (one item per k-means cluster, so the first labels cover the modes
 * of the data), and the rule for when uncertainty may be trusted.
 */

/** A seeded random batch of distinct candidates (partial Fisher–Yates). Scores are all 0: random has no preference. */
export function randomPick(candidates: Int32Array, batch: number, seed: number): Selection {
  const m = candidates.length;
  const k = Math.max(0, Math.min(Math.floor(batch), m));
  const pool = Int32Array.from(candidates);
  const rng = mulberry32(seed);
  for (let s = 0; s < k; s++) {
    const j = s + Math.min(m - s - 1, Math.floor(rng() * (m - s)));
    const t = pool[s];
    pool[s] = pool[j];
    pool[j] = t;
  }
  return { indices: pool.slice(0, k), scores: new Float32Array(k) };
}

export interface KMeansOptions {
  k: number;
  seed: number;
  candidates?: Int32Array;
  /** Centres that stay put (labeled or held items): clusters form around them and the k free centroids go elsewhere. */
  fixed?: Int32Array;
  /** Lloyd iterations after the k-means++ init (default 5; stops early when nothing moves). */
  iterations?: number;
}

export interface KMeansResult {
  /** The k free centroids, k × d. */
  centroids: Embeddings;
  /** Per candidate: its free cluster, or −1 when a fixed centre is nearer. */
  assign: Int32Array;
  /** Members of each free cluster. */
  sizes: Int32Array;
}

/**
 * A few Lloyd iterations from a seeded greedy k-means++ init: O((iterations + log k) · m · k · d).
 * An empty cluster keeps its centroid. Deterministic for a seed.
 */
export function kMeans(emb: Embeddings, opts: KMeansOptions): KMeansResult {
  const { n, d, data } = emb;
  const cands = opts.candidates ?? allItems(n);
  const fixed = opts.fixed ?? new Int32Array(0);
  const m = cands.length;
  // Greedy k-means++ with 2 + ln k draws per centre, scikit-learn's default.
  const trials = 2 + Math.floor(Math.log(Math.max(1, opts.k)));
  const init = kMeansPlusPlus(emb, { k: opts.k, seed: opts.seed, candidates: cands, centres: fixed, trials });
  const k = init.indices.length;
  const cent = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    const o = init.indices[c] * d;
    for (let f = 0; f < d; f++) cent[c * d + f] = data[o + f];
  }
  // Fixed centres never move: each candidate's distance to the nearest one is computed once.
  const fixedD = new Float64Array(m).fill(Infinity);
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < fixed.length; j++) {
      const s = sqDist(data, cands[r], fixed[j], d);
      if (s < fixedD[r]) fixedD[r] = s;
    }
  }
  const assign = new Int32Array(m).fill(-2);
  const sizes = new Int32Array(k);
  const iterations = opts.iterations ?? 5;
  for (let it = 0; it <= iterations; it++) {
    let changed = 0;
    for (let r = 0; r < m; r++) {
      const o = cands[r] * d;
      let best = -1;
      let bestD = fixedD[r];
      for (let c = 0; c < k; c++) {
        const s = sqDistToCentroid(data, o, cent, c * d, d);
        if (s < bestD) {
          bestD = s;
          best = c;
        }
      }
      if (assign[r] !== best) {
        assign[r] = best;
        changed++;
      }
    }
    if (changed === 0 || it === iterations) break;
    // Update step: each free centroid moves to the mean of its members.
    const sums = new Float64Array(k * d);
    sizes.fill(0);
    for (let r = 0; r < m; r++) {
      const c = assign[r];
      if (c < 0) continue;
      sizes[c]++;
      const o = cands[r] * d;
      const co = c * d;
      for (let f = 0; f < d; f++) sums[co + f] += data[o + f];
    }
    for (let c = 0; c < k; c++) {
      if (sizes[c] === 0) continue;
      for (let f = 0; f < d; f++) cent[c * d + f] = sums[c * d + f] / sizes[c];
    }
  }
  sizes.fill(0);
  for (let r = 0; r < m; r++) if (assign[r] >= 0) sizes[assign[r]]++;
  return { centroids: { n: k, d, data: Float32Array.from(cent) }, assign, sizes };
}

export interface StratifiedOptions {
  batch: number;
  seed: number;
  candidates?: Int32Array;
  /** Labeled or held items: clusters they already cover get no new pick. */
  centres?: Int32Array;
  iterations?: number;
  /** k-means runs on a seeded sample of at most this many candidates (default 20,000), so a million-item pool costs what 20,000 do. */
  sampleSize?: number;
}

/**
 * Cluster-stratified batch: k-means with k = batch (around the given centres), then for each
 * cluster the sampled candidate nearest its centroid (the next nearest when taken). Picks come
 * largest cluster first; a pick's score is its cluster's share of the sample.
 */
export function clusterStratified(emb: Embeddings, opts: StratifiedOptions): Selection {
  const { n, d, data } = emb;
  const all = opts.candidates ?? allItems(n);
  const sampleSize = opts.sampleSize ?? 20_000;
  const sample = all.length > sampleSize
    ? randomPick(all, sampleSize, opts.seed ^ 0x5bd1e995).indices.sort()
    : all;
  const m = sample.length;
  const { centroids, sizes } = kMeans(emb, {
    k: opts.batch,
    seed: opts.seed,
    candidates: sample,
    fixed: opts.centres,
    iterations: opts.iterations,
  });
  const k = centroids.n;
  const cent = Float64Array.from(centroids.data);
  const order = Int32Array.from({ length: k }, (_, c) => c).sort((a, b) => sizes[b] - sizes[a] || a - b);
  const taken = new Uint8Array(m);
  const indices = new Int32Array(k);
  const scores = new Float32Array(k);
  for (let s = 0; s < k; s++) {
    const c = order[s];
    const co = c * d;
    let best = -1;
    let bestD = Infinity;
    for (let r = 0; r < m; r++) {
      if (taken[r] !== 0) continue;
      const dd = sqDistToCentroid(data, sample[r] * d, cent, co, d);
      if (dd < bestD || best < 0) {
        bestD = dd;
        best = r;
      }
    }
    taken[best] = 1;
    indices[s] = sample[best];
    scores[s] = m > 0 ? sizes[c] / m : 0;
  }
  return { indices, scores };
}

/** Squared distance from the item row at offset `o` to the centroid at offset `co` (four accumulators). */
function sqDistToCentroid(data: Float32Array, o: number, cent: Float64Array, co: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let f = 0;
  for (; f + 3 < d; f += 4) {
    const x0 = data[o + f] - cent[co + f];
    const x1 = data[o + f + 1] - cent[co + f + 1];
    const x2 = data[o + f + 2] - cent[co + f + 2];
    const x3 = data[o + f + 3] - cent[co + f + 3];
    s0 += x0 * x0;
    s1 += x1 * x1;
    s2 += x2 * x2;
    s3 += x3 * x3;
  }
  for (; f < d; f++) {
    const x = data[o + f] - cent[co + f];
    s0 += x * x;
  }
  return s0 + s1 + (s2 + s3);
}

export interface TrustInput {
  /** Labeled items so far. */
  labeled: number;
  /** Distinct classes among them. */
  classesSeen: number;
  numClasses: number;
  /** Floor on labels before trusting the model (default 20). */
  minLabels?: number;
  /**
   * The model's cross-validated accuracy on its labels (lib/model `labeledAccuracy`); null when
   * nothing could be tested (not trusted), undefined when the caller does not measure it (the
   * count rule alone).
   */
  accuracy?: number | null;
  /** The accuracy it must reach (default TRUST_ACCURACY). */
  minAccuracy?: number;
  /** Labels of the least-labeled class; undefined when the caller does not count them (the other counts alone). */
  fewestPerClass?: number;
}

/**
 * Labels every class needs before uncertainty is trusted: the folds of the heads' cross-validation
 * (lib/model/heads.ts CV_FOLDS), so margins are read from a model picked by cross-validation rather
 * than label spreading by default. Measured (docs/benchmarks.md, 2026-12-05, bench:al): with two
 * labels a class, margins piled labels onto a few confusions, and spreading on those unbalanced
 * labels fell from 0.95 to 0.80–0.87 holdout accuracy between 30 and 50 labels on MNIST.
 */
export const MIN_PER_CLASS = 3;

/**
 * The cross-validated accuracy on its own labels a model needs before `auto` buys its uncertainty.
 * Measured with `npm run bench:al-trust` (docs/benchmarks.md, 2026-12-04): under TypiClust's picks
 * MNIST's model passes 0.85 by 20–30 labels in every seed (median 0.90–0.94 at 20), where margins
 * then get it to 90% holdout accuracy soonest; the clothes model of Fashion-MNIST stays at a median
 * of 0.42–0.76 from 20 to 300 labels, where TypiClust kept to the end beats the switch.
 */
export const TRUST_ACCURACY = 0.85;

/**
 * Uncertainty is trusted once every class has at least one label (MIN_PER_CLASS when the caller
 * counts them), there are at least max(minLabels, 2 × numClasses) labels, and (when measured) the model predicts at least
 * TRUST_ACCURACY of its own labels in cross-validation. Before the counts, a model's "uncertain"
 * mostly means "never saw this class"; before the accuracy, it is a model in the low-budget regime
 * (Hacohen et al. 2022), whose most uncertain items are ones a few more labels cannot settle, and
 * typical items of uncovered clusters teach it more.
 */
export function uncertaintyTrusted({ labeled, classesSeen, numClasses, minLabels = 20, accuracy, minAccuracy = TRUST_ACCURACY, fewestPerClass }: TrustInput): boolean {
  if (!countsTrusted({ labeled, classesSeen, numClasses, minLabels, fewestPerClass })) return false;
  return accuracy === undefined || (accuracy !== null && accuracy >= minAccuracy);
}

/** The count half of `uncertaintyTrusted`: worth measuring the accuracy only once it holds. */
export function countsTrusted({ labeled, classesSeen, numClasses, minLabels = 20, fewestPerClass }: Pick<TrustInput, 'labeled' | 'classesSeen' | 'numClasses' | 'minLabels' | 'fewestPerClass'>): boolean {
  return classesSeen >= numClasses && labeled >= Math.max(minLabels, 2 * numClasses) && (fewestPerClass === undefined || fewestPerClass >= MIN_PER_CLASS);
}
