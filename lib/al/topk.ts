import type { Selection } from './types';

/**
 * Partial selection over a pool: the k best of n scores with a bounded min-heap, O(n log k)
 * time and O(k) memory, instead of sorting the pool.
 */

export interface TopKOptions {
  /** Only these item indices compete (distinct; ascending keeps ties by lower index). */
  candidates?: Int32Array;
  /** Items with a non-zero entry never compete (labeled, held, pinned elsewhere). */
  exclude?: Uint8Array;
}

/**
 * The k highest-scoring items, best first; ties go to the lower index. A NaN score ranks below
 * every number. Returns fewer than k when fewer items compete. `scores` of the result are the
 * items' own scores.
 */
export function topK(scores: Float32Array | Float64Array, k: number, opts: TopKOptions = {}): Selection {
  const { candidates, exclude } = opts;
  const m = candidates ? candidates.length : scores.length;
  const cap = Math.max(0, Math.min(Math.floor(k), m));
  // Min-heap on (score, −index): the root is the worst item kept so far.
  const hIdx = new Int32Array(cap);
  const hVal = new Float64Array(cap);
  let size = 0;
  if (cap > 0) {
    for (let r = 0; r < m; r++) {
      const i = candidates ? candidates[r] : r;
      if (exclude !== undefined && exclude[i] !== 0) continue;
      let v: number = scores[i];
      if (v !== v) v = -Infinity;
      if (size < cap) {
        // Sift up.
        let pos = size++;
        while (pos > 0) {
          const parent = (pos - 1) >> 1;
          const pv = hVal[parent];
          if (pv < v || (pv === v && hIdx[parent] > i)) break;
          hVal[pos] = pv;
          hIdx[pos] = hIdx[parent];
          pos = parent;
        }
        hVal[pos] = v;
        hIdx[pos] = i;
      } else {
        const rv = hVal[0];
        if (v < rv || (v === rv && i > hIdx[0])) continue;
        siftDown(hIdx, hVal, size, i, v);
      }
    }
  }
  // Pop the worst first, filling from the back: the result comes out best first.
  const indices = new Int32Array(size);
  const out = new Float32Array(size);
  for (let end = size; end > 0; end--) {
    const i = hIdx[0];
    indices[end - 1] = i;
    out[end - 1] = scores[i];
    if (end > 1) siftDown(hIdx, hVal, end - 1, hIdx[end - 1], hVal[end - 1]);
  }
  return { indices, scores: out };
}

/** Puts (i, v) at the root of a heap of `size` entries and sifts it down. */
function siftDown(hIdx: Int32Array, hVal: Float64Array, size: number, i: number, v: number): void {
  let pos = 0;
  for (;;) {
    let child = 2 * pos + 1;
    if (child >= size) break;
    const right = child + 1;
    if (right < size) {
      const cv = hVal[child];
      const rv = hVal[right];
      if (rv < cv || (rv === cv && hIdx[right] > hIdx[child])) child = right;
    }
    const cv = hVal[child];
    if (v < cv || (v === cv && i > hIdx[child])) break;
    hVal[pos] = cv;
    hIdx[pos] = hIdx[child];
    pos = child;
  }
  hVal[pos] = v;
  hIdx[pos] = i;
}

/** A mask over n items with the given index sets marked (e.g. labeled and held items). */
export function exclusionMask(n: number, ...sets: (Int32Array | undefined)[]): Uint8Array {
  const mask = new Uint8Array(n);
  for (const set of sets) {
    if (set === undefined) continue;
    for (let j = 0; j < set.length; j++) {
      const i = set[j];
      if (!(i >= 0 && i < n)) throw new RangeError(`item index ${i} is outside the pool [0, ${n})`);
      mask[i] = 1;
    }
  }
  return mask;
}

/**
 * The items that may be picked, ascending and distinct: `candidates` (default: all n) minus the
 * masked ones. O(n) with one byte per item.
 */
export function eligibleIndices(n: number, candidates?: Int32Array, exclude?: Uint8Array): Int32Array {
  const keep = new Uint8Array(n);
  if (candidates === undefined) keep.fill(1);
  else {
    for (let j = 0; j < candidates.length; j++) {
      const i = candidates[j];
      if (!(i >= 0 && i < n)) throw new RangeError(`candidate ${i} is outside the pool [0, ${n})`);
      keep[i] = 1;
    }
  }
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (keep[i] !== 0 && (exclude === undefined || exclude[i] === 0)) count++;
    else keep[i] = 0;
  }
  const out = new Int32Array(count);
  for (let i = 0, j = 0; i < n; i++) if (keep[i] !== 0) out[j++] = i;
  return out;
}
