import { kCenterGreedy } from './diversity';
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
