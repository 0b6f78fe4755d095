import type { Embeddings } from '../al/types';
import { mulberry32 } from '../random';
import { bestFree } from './shortlist';
import { spacingWithHeld } from './spacing';

export interface EasyOptions {
  want: number;
  /** Non-zero: not a candidate. Items with a NaN confidence or no predicted class never are. */
  exclude: Uint8Array;
  /** Every ranked item by confidence, most confident first (optional: saves a pass over the pool). */
  order?: Int32Array;
  /** Items other annotators hold now: near-copies of them are not dealt. */
  held: Int32Array;
  factor: number;
  seed: number;
}

/**
 * The easy stream: the most confident items, taken round-robin over their predicted
 * classes, so that the items mixed in against fatigue are not all the model's favourite
 * class (which would also skew what the easy labels teach). Shortlist the factor × want
 * most confident; with embeddings drop those within the near-copy threshold of a held item
 * (measured among the shortlist and the held items, see `shortlistSpacing`); group by
 * predicted class, classes ordered by their best confidence, starting at a seeded class;
 * within a class, most confident first. Returns items in deal order.
 */
export function pickEasy(confidence: Float32Array, predicted: Int32Array, emb: Embeddings | undefined, opts: EasyOptions): Int32Array {
  const want = Math.max(0, Math.floor(opts.want));
  if (want === 0) return new Int32Array(0);
  const shortlist = bestFree(confidence, Math.ceil(opts.factor * want), opts.exclude, opts.order);
  let list: number[] = Array.from(shortlist).filter((i) => predicted[i] >= 0);
  if (emb !== undefined && opts.held.length > 0) {
    const { tau, nearestHeld } = spacingWithHeld(emb, shortlist, opts.held);
    const refused = new Set<number>();
    for (let a = 0; a < shortlist.length; a++) if (nearestHeld[a] <= tau) refused.add(shortlist[a]);
    list = list.filter((i) => !refused.has(i));
  }
  // Classes in order of first appearance in the confidence-sorted list = by best confidence.
  const byClass = new Map<number, number[]>();
  for (const i of list) {
    const c = predicted[i];
    const bucket = byClass.get(c);
    if (bucket) bucket.push(i);
    else byClass.set(c, [i]);
  }
  const buckets = [...byClass.values()];
  const out: number[] = [];
  if (buckets.length === 0) return new Int32Array(0);
  let b = Math.floor(mulberry32(opts.seed)() * buckets.length);
  const next = new Int32Array(buckets.length);
  while (out.length < want && out.length < list.length) {
    const bucket = buckets[b];
    if (next[b] < bucket.length) out.push(bucket[next[b]++]);
    b = (b + 1) % buckets.length;
  }
  return Int32Array.from(out);
}
