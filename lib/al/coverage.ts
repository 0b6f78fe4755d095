import { kMeans, randomPick } from './coldstart';
import { allItems, sqDist } from './diversity';
import type { Embeddings, Selection } from './types';

/**
 * ProbCover (Yehuda, Dekel, Hacohen & Weinshall 2022, "Active learning through a covering
 * lens"): in the low-budget regime, label the items whose δ-balls cover the most of the pool
 * not yet covered by a labeled item. δ is the largest radius at which balls stay *pure*: with
 * the pool clustered by k-means into as many clusters as classes, at least `purity` (the
 * paper's α = 0.95) of the balls hold points of one cluster only.
 *
 * Order of work: sample (big pools) → one pass over all pairs for each point's distance to the
 * nearest point of another cluster (purity of every δ at once) → δ → a second pass for the
 * δ-ball graph → greedy max coverage, the labeled and held items' balls covered first.
 */

/** The paper's purity threshold. */
export const COVERAGE_PURITY = 0.95;
/** Points the coverage graph is built on at most (a seeded sample of the candidates beyond it): the two all-pairs passes cost O(m²·d). */
export const COVERAGE_MAX_POINTS = 5000;

/**
 * The purity radius: the largest δ such that at least `purity` of the points have no point of
 * another cluster within δ (ball of x pure ⇔ δ < distance from x to the nearest point of another
 * cluster). `otherDist[i]` is that distance for point i (Infinity when there is no other cluster).
 */
export function purityRadius(otherDist: Float64Array, purity = COVERAGE_PURITY): number {
  const m = otherDist.length;
  if (m === 0) return 0;
  const sorted = Float64Array.from(otherDist).sort();
  // Pure balls at δ: points whose otherDist > δ. Keep at least ⌈purity·m⌉ of them.
  const keep = Math.ceil(purity * m);
  const cut = sorted[m - keep];
  // One cluster only (every ball pure at any δ): no radius follows from purity; the caller draws at random.
  if (!Number.isFinite(cut)) return 0;
  // Strictly below the cut distance, so the ball of the point at the cut stays pure.
  return cut * (1 - 1e-9);
}

/** For each of `points`, the Euclidean distance to the nearest point assigned to another cluster. */
export function distanceToOtherCluster(emb: Embeddings, points: Int32Array, cluster: Int32Array): Float64Array {
  const m = points.length;
  const out = new Float64Array(m).fill(Infinity);
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      if (cluster[a] === cluster[b]) continue;
      const s = sqDist(emb.data, points[a], points[b], emb.d);
      if (s < out[a]) out[a] = s;
      if (s < out[b]) out[b] = s;
    }
  }
  for (let a = 0; a < m; a++) out[a] = Math.sqrt(out[a]);
  return out;
}

/** The δ-ball graph over `points` as adjacency lists (positions in `points`), each point its own neighbour. */
export function ballGraph(emb: Embeddings, points: Int32Array, delta: number): Int32Array[] {
  const m = points.length;
  const lists: number[][] = Array.from({ length: m }, (_, a) => [a]);
  const d2 = delta * delta;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      if (sqDist(emb.data, points[a], points[b], emb.d) <= d2) {
        lists[a].push(b);
        lists[b].push(a);
      }
    }
  }
  return lists.map((l) => Int32Array.from(l));
}

/**
 * Greedy max coverage on a ball graph: points `covered` at the start stay covered; each pick
 * is the pickable point (`pickable[p]` = 1) whose ball holds the most uncovered points (ties:
 * the lower position; probCover shuffles the points first, so a tie is a seeded draw). Returns positions and their gains; stops early when no pick gains.
 */
export function greedyCoverage(graph: Int32Array[], covered: Uint8Array, pickable: Uint8Array, count: number): { picks: number[]; gains: number[] } {
  const m = graph.length;
  const gain = new Int32Array(m);
  for (let p = 0; p < m; p++) for (const q of graph[p]) if (covered[q] === 0) gain[p]++;
  const picks: number[] = [];
  const gains: number[] = [];
  while (picks.length < count) {
    let best = -1;
    for (let p = 0; p < m; p++) if (pickable[p] === 1 && (best < 0 || gain[p] > gain[best])) best = p;
    if (best < 0 || gain[best] === 0) break;
    picks.push(best);
    gains.push(gain[best]);
    pickable[best] = 0;
    for (const q of graph[best]) {
      if (covered[q] === 1) continue;
      covered[q] = 1;
      // q no longer counts for any ball that holds it (the graph is symmetric).
      for (const r of graph[q]) gain[r]--;
    }
  }
  return { picks, gains };
}

export interface CoverageOptions {
  batch: number;
  seed: number;
  /** Clusters behind the purity of δ: the number of classes. */
  clusters: number;
  candidates?: Int32Array;
  /** Labeled and held items: their balls are covered before the first pick. */
  centres?: Int32Array;
  /** δ to use instead of the purity rule (tests, or a radius chosen elsewhere). */
  delta?: number;
  purity?: number;
  maxPoints?: number;
}

/**
 * A ProbCover batch. Scores are each pick's coverage gain as a share of the points the graph
 * is built on. When every point is covered before the batch is full (δ too big for the budget
 * left), the rest is seeded random among the free candidates, as the paper does.
 */
export function probCover(emb: Embeddings, opts: CoverageOptions): Selection & { delta: number } {
  const all = opts.candidates ?? allItems(emb.n);
  const centres = opts.centres ?? new Int32Array(0);
  const batch = Math.max(0, Math.min(Math.floor(opts.batch), all.length));
  const maxPoints = opts.maxPoints ?? COVERAGE_MAX_POINTS;
  const room = Math.max(1, maxPoints - Math.min(centres.length, Math.floor(maxPoints / 2)));
  // A seeded shuffle (and sample, on a big pool): greedy ties then go to a random point, not to one corner of the index.
  const sample = randomPick(all, Math.min(room, all.length), opts.seed ^ 0x68e31da4).indices;
  const keptCentres = centres.length > maxPoints - sample.length ? centres.subarray(0, Math.max(0, maxPoints - sample.length)) : centres;
  const points = new Int32Array(sample.length + keptCentres.length);
  points.set(sample, 0);
  points.set(keptCentres, sample.length);
  const m = points.length;

  let delta = opts.delta;
  if (delta === undefined) {
    const k = Math.max(1, Math.min(opts.clusters, m));
    const { assign } = kMeans(emb, { k, seed: opts.seed, candidates: points, iterations: 10 });
    delta = purityRadius(distanceToOtherCluster(emb, points, assign), opts.purity ?? COVERAGE_PURITY);
  }
  // No radius (one cluster, or duplicates across clusters): coverage says nothing, so draw as random does.
  if (!(delta > 0)) return { ...randomPick(all, batch, opts.seed ^ 0x1b873593), delta: 0 };
  const graph = ballGraph(emb, points, delta);
  const covered = new Uint8Array(m);
  for (let p = sample.length; p < m; p++) for (const q of graph[p]) covered[q] = 1;
  const pickable = new Uint8Array(m);
  pickable.fill(1, 0, sample.length);
  const { picks, gains } = greedyCoverage(graph, covered, pickable, batch);
  const indices = picks.map((p) => points[p]);
  const scores = gains.map((g) => g / m);
  if (indices.length < batch) {
    const taken = new Set(indices);
    const free = Int32Array.from(Array.from(all).filter((i) => !taken.has(i)));
    const rest = randomPick(free, batch - indices.length, opts.seed ^ 0x1b873593).indices;
    for (const i of rest) {
      indices.push(i);
      scores.push(0);
    }
  }
  return { indices: Int32Array.from(indices), scores: Float32Array.from(scores), delta };
}
