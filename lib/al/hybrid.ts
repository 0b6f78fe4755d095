import { kCenterGreedy, sqDist } from './diversity';
import { topK } from './topk';
import type { Embeddings, Selection } from './types';

export interface HybridOptions {
  batch: number;
  /** Item indices that may be picked (distinct); default all. */
  candidates?: Int32Array;
  /** Items that must never be picked (non-zero entry). */
  exclude?: Uint8Array;
  /** Existing centres for the diversity step: labeled and held items. */
  centres?: Int32Array;
  /** Size of the uncertain shortlist as a multiple of the batch (default 10). */
  factor?: number;
}

/**
 * Top uncertain, then diverse: shortlist the factor × batch highest scores, then greedy
 * k-center over the shortlist, away from the existing centres (so annotators working at once
 * get batches that differ from each other's and from what is labeled). Without centres the
 * most uncertain item is picked first. Indices come in pick order; scores are the items'
 * uncertainty scores.
 */
export function hybridSelect(scores: Float32Array, emb: Embeddings, opts: HybridOptions): Selection {
  const batch = Math.max(0, Math.floor(opts.batch));
  const factor = opts.factor ?? 10;
  if (!(factor >= 1)) throw new RangeError(`hybrid factor must be at least 1, got ${factor}`);
  const shortlist = topK(scores, Math.ceil(factor * batch), { candidates: opts.candidates, exclude: opts.exclude });
  if (shortlist.indices.length <= batch) return shortlist;
  const centres = opts.centres ?? new Int32Array(0);
  const picked = kCenterGreedy(emb, {
    k: batch,
    candidates: shortlist.indices,
    centres,
    first: centres.length === 0 ? shortlist.indices[0] : undefined,
  });
  const out = new Float32Array(picked.indices.length);
  for (let s = 0; s < out.length; s++) out[s] = scores[picked.indices[s]];
  return { indices: picked.indices, scores: out };
}

export interface SpacedOptions {
  batch: number;
  /** Item indices that may be picked (distinct); default all. */
  candidates?: Int32Array;
  /** Items that must never be picked (non-zero entry). */
  exclude?: Uint8Array;
  /** Items annotators hold now: a pick as close to one of them as a near-copy is skipped too. */
  avoid?: Int32Array;
  /** Size of the uncertain shortlist as a multiple of the batch (default 10). */
  factor?: number;
}

/**
 * Top uncertain, skipping near-copies: shortlist the factor × batch highest
 * scores and take its own scale, τ = the median distance from a shortlisted
 * item to its nearest shortlisted neighbour; then walk the shortlist in score
 * order and take an item unless it lies within τ of an item already taken
 * (or of one in `avoid`); exact copies are always skipped. When fewer than `batch` pass, the skipped ones
 * fill up in score order. Unlike k-center it never trades uncertainty for
 * remoteness — k-center's farthest-first picks are the shortlist's outliers —
 * so the batch is the most uncertain items that are not copies of each other.
 * τ comes from the data, so the rule has no distance constant. O(m² · d) for
 * a shortlist of m. Indices come in pick order; scores are the items' scores.
 */
export function spacedTopK(scores: Float32Array, emb: Embeddings, opts: SpacedOptions): Selection {
  const batch = Math.max(0, Math.floor(opts.batch));
  const factor = opts.factor ?? 10;
  if (!(factor >= 1)) throw new RangeError(`shortlist factor must be at least 1, got ${factor}`);
  const shortlist = topK(scores, Math.ceil(factor * batch), { candidates: opts.candidates, exclude: opts.exclude });
  const m = shortlist.indices.length;
  if (m <= batch) return shortlist;
  const { d, data } = emb;
  const list = shortlist.indices;
  const nearest = new Float64Array(m).fill(Infinity);
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const dd = sqDist(data, list[a], list[b], d);
      if (dd < nearest[a]) nearest[a] = dd;
      if (dd < nearest[b]) nearest[b] = dd;
    }
  }
  const sorted = Float64Array.from(nearest).sort();
  const tau = sorted[(m - 1) >> 1];
  const avoid = opts.avoid ?? new Int32Array(0);
  const taken: number[] = [];
  const skipped: number[] = [];
  for (let r = 0; r < m && taken.length < batch; r++) {
    const i = list[r];
    let near = false;
    for (let t = 0; t < taken.length && !near; t++) near = sqDist(data, i, taken[t], d) <= tau;
    for (let h = 0; h < avoid.length && !near; h++) near = sqDist(data, i, avoid[h], d) <= tau;
    if (near) skipped.push(i);
    else taken.push(i);
  }
  for (let s = 0; taken.length < batch && s < skipped.length; s++) taken.push(skipped[s]);
  const indices = Int32Array.from(taken);
  const out = new Float32Array(indices.length);
  for (let s = 0; s < out.length; s++) out[s] = scores[indices[s]];
  return { indices, scores: out };
}
