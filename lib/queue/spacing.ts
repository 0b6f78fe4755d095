import { sqDist } from '../al/diversity';
import type { Embeddings } from '../al/types';

/**
 * The near-copy threshold of a shortlist, and the test against items other annotators hold.
 * τ is the rule `spacedTopK` (lib/al/hybrid.ts) uses: the median squared distance from a
 * shortlisted item to its nearest shortlisted neighbour, so it comes from the data and has
 * no distance constant. spacedTopK does not return its τ, hence this copy of the rule; the
 * queue needs τ to refuse near-copies of held items outright, where spacedTopK only
 * postpones them (it fills a short batch with the items it skipped).
 */
export function shortlistSpacing(emb: Embeddings, list: ArrayLike<number>): number {
  const m = list.length;
  if (m < 2) return 0;
  const { d, data } = emb;
  const nearest = new Float64Array(m).fill(Infinity);
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const dd = sqDist(data, list[a], list[b], d);
      if (dd < nearest[a]) nearest[a] = dd;
      if (dd < nearest[b]) nearest[b] = dd;
    }
  }
  const sorted = nearest.sort();
  return sorted[(m - 1) >> 1];
}

/** True when item i lies within squared distance τ of any of `others` (an exact copy always does). */
export function nearAny(emb: Embeddings, i: number, others: ArrayLike<number>, tau: number): boolean {
  const { d, data } = emb;
  for (let h = 0; h < others.length; h++) {
    if (sqDist(data, i, others[h], d) <= tau) return true;
  }
  return false;
}
