import { hybridSelect, spacedTopK } from '../al/hybrid';
import { topK } from '../al/topk';
import { bestFree } from './shortlist';
import type { Embeddings, Selection } from '../al/types';
import type { QueueSettings } from './settings';
import { nearAny, shortlistSpacing } from './spacing';

export interface UncertainOptions {
  want: number;
  /** Non-zero: not a candidate (blocked, unranked, or already in the batch). */
  exclude: Uint8Array;
  /** Items other annotators hold now. */
  held: Int32Array;
  /** Items labeled since the ranking was made. */
  fresh: Int32Array;
  diversity: QueueSettings['diversity'];
  factor: number;
  /** Every ranked item by score, best first (optional: saves a pass over the pool). */
  order?: Int32Array;
}

/**
 * The uncertain stream: the best-ranked items, spread across the team. Shortlist the
 * factor × want best scores and take its near-copy threshold τ (see `shortlistSpacing`);
 * drop every candidate within τ of an item another annotator holds, widening the shortlist
 * (doubling) until it again has factor × want items or the pool runs out; then spread the
 * picks with `spacedTopK` (skip near-copies of each other and of held and fresh items) or
 * `hybridSelect` (greedy k-center with held and fresh items as centres). So no annotator is
 * dealt a near-copy of what a colleague is labeling, and a batch avoids what was just
 * labeled. With diversity `rank` the picks are the best-ranked items that are not near-copies
 * of held ones; without embeddings there is no notion of a near-copy and they are plain rank
 * order.
 */
export function pickUncertain(score: Float32Array, emb: Embeddings | undefined, opts: UncertainOptions): Selection {
  const want = Math.max(0, Math.floor(opts.want));
  const { exclude, held, fresh } = opts;
  if (want === 0 || emb === undefined) return withScores(score, bestFree(score, want, exclude, opts.order));
  const base = Math.ceil(opts.factor * want);
  const first = bestFree(score, base, exclude, opts.order);
  const tau = shortlistSpacing(emb, first);
  let kept: number[] = Array.from(first);
  if (held.length > 0) {
    // The best-first list is a stable prefix (ties by index): each widening only tests the new tail.
    kept = [];
    let list = first;
    let tested = 0;
    for (let size = base; ; size *= 4) {
      if (size > base) list = bestFree(score, size, exclude, opts.order);
      for (; tested < list.length; tested++) if (!nearAny(emb, list[tested], held, tau)) kept.push(list[tested]);
      if (kept.length >= base || list.length < size) break;
    }
  }
  // Widening adds a tail; keep the shortlist at its size so that widening never dilutes it.
  const candidates = Int32Array.from(kept.slice(0, base));
  if (candidates.length <= want || opts.diversity === 'rank') return topK(score, want, { candidates });
  const others = new Int32Array(held.length + fresh.length);
  others.set(held, 0);
  others.set(fresh, held.length);
  const factor = candidates.length / want;
  return opts.diversity === 'kcenter'
    ? hybridSelect(score, emb, { batch: want, candidates, centres: others, factor })
    : spacedTopK(score, emb, { batch: want, candidates, avoid: others, factor });
}

function withScores(score: Float32Array, indices: Int32Array): Selection {
  return { indices, scores: Float32Array.from(indices, (i) => score[i]) };
}
