import { hybridSelect, spacedTopK } from '../al/hybrid';
import { topK } from '../al/topk';
import { bestFree } from './shortlist';
import type { Embeddings, Selection } from '../al/types';
import type { QueueSettings } from './settings';
import { NearHeld, spacingWithHeld } from './spacing';

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
 * How far a shortlist widens while near-copies of held items fill it: once this many times
 * the first shortlist has been tested and at least `want` items passed, the shortlist stays
 * short rather than walk further down the ranking. It bounds a deal's cost at about
 * WIDEN_LIMIT × factor × want × held distance tests when most of the ranking's top copies
 * what the team holds (one video's frames); it widens on past the limit only while fewer
 * than `want` items passed, since a short batch is worse than a slow one.
 */
export const WIDEN_LIMIT = 16;

/**
 * The uncertain stream: the best-ranked items, spread across the team. Shortlist the
 * factor × want best scores and take its near-copy threshold τ, measured among the
 * shortlist and the held items together (see `shortlistSpacing`); drop every candidate
 * within τ of an item another annotator holds, widening the shortlist (×4 each time) until
 * it again has factor × want items, or it has `want` after WIDEN_LIMIT shortlists' worth
 * were tested, or the pool runs out; then spread the picks with `spacedTopK` (skip
 * near-copies of each other and of held and fresh items) or `hybridSelect` (greedy k-center
 * with held and fresh items as centres). So no annotator is dealt a near-copy of what a
 * colleague is labeling, and a batch avoids what was just labeled. With diversity `rank` the
 * picks are the best-ranked items that are not near-copies of held ones; without embeddings
 * there is no notion of a near-copy and they are plain rank order.
 */
export function pickUncertain(score: Float32Array, emb: Embeddings | undefined, opts: UncertainOptions): Selection {
  const want = Math.max(0, Math.floor(opts.want));
  const { exclude, held, fresh } = opts;
  if (want === 0 || emb === undefined) return withScores(score, bestFree(score, want, exclude, opts.order));
  const base = Math.ceil(opts.factor * want);
  const first = bestFree(score, base, exclude, opts.order);
  let kept: number[] = Array.from(first);
  if (held.length > 0) {
    const { tau, nearestHeld } = spacingWithHeld(emb, first, held);
    const nearHeld = new NearHeld(emb, held, tau);
    kept = [];
    for (let a = 0; a < first.length; a++) if (!(nearestHeld[a] <= tau)) kept.push(first[a]);
    // The best-first list is a stable prefix (ties by index): each widening only tests the new tail.
    let list = first;
    let tested = first.length;
    for (let size = base; ; size *= 4) {
      if (size > base) list = bestFree(score, size, exclude, opts.order);
      for (; tested < list.length && kept.length < base; tested++) if (!nearHeld.near(list[tested])) kept.push(list[tested]);
      if (kept.length >= base || list.length < size) break;
      if (tested >= WIDEN_LIMIT * base && kept.length >= want) break;
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
