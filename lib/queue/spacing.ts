import type { Embeddings } from '../al/types';

/**
 * The near-copy threshold of a shortlist, and the test against items other annotators hold.
 *
 * τ is the rule `spacedTopK` (lib/al/hybrid.ts) uses, the median squared distance from a
 * shortlisted item to its nearest neighbour, so it comes from the data and has no distance
 * constant, with one change: the neighbours are the shortlist *and the held items*. With
 * the shortlist alone, 50 annotators × 10 held items are several times denser than a
 * shortlist of 70, so nearly every candidate had a held item closer than the shortlist's
 * own spacing and was refused as a "near-copy" (99.6 % of a 100k pool on the bench's
 * clustered data, which made every deal scan the whole ranking and left only outliers).
 * Measured at the density of everything in play, a near-copy is closer than the typical
 * spacing of that set, and at most about half of the first shortlist is ever refused.
 * Exact copies are refused whatever τ is. spacedTopK does not return its τ, hence this
 * copy of the rule; the queue needs τ to refuse near-copies of held items outright, where
 * spacedTopK only postpones them (it fills a short batch with the items it skipped).
 */
export function shortlistSpacing(emb: Embeddings, list: ArrayLike<number>, held: ArrayLike<number> = []): number {
  return spacingWithHeld(emb, list, held).tau;
}

/**
 * `shortlistSpacing`, with each shortlisted item's squared distance to its nearest held item
 * (0 for an item that is itself held; Infinity without held items), which τ needs anyway: so
 * the first shortlist's near-copy test costs nothing more.
 */
export function spacingWithHeld(emb: Embeddings, list: ArrayLike<number>, held: ArrayLike<number>): { tau: number; nearestHeld: Float64Array } {
  const m = list.length;
  const nearestHeld = new Float64Array(m).fill(Infinity);
  const { d, data } = emb;
  const nearest = new Float64Array(m).fill(Infinity);
  // Held items first: where the team is dense they give each row a small minimum early, and
  // every later test may stop once it passes the row's best so far (for a pair, the larger
  // of the two rows' bests: past that it lowers neither).
  for (let a = 0; a < m; a++) {
    const i = list[a];
    let self = false;
    for (let h = 0; h < held.length; h++) {
      if (held[h] === i) {
        self = true;
        continue;
      }
      const dd = sqDistUpTo(data, i, held[h], d, nearest[a]);
      if (dd < nearest[a]) nearest[a] = dd;
    }
    // Each test stopped only past the running minimum, so the minimum is exact.
    nearestHeld[a] = self ? 0 : nearest[a];
  }
  for (let a = 0; a < m; a++) {
    const i = list[a];
    for (let b = a + 1; b < m; b++) {
      const dd = sqDistUpTo(data, i, list[b], d, nearest[a] > nearest[b] ? nearest[a] : nearest[b]);
      if (dd < nearest[a]) nearest[a] = dd;
      if (dd < nearest[b]) nearest[b] = dd;
    }
  }
  // One summation order (sqDistUpTo) for τ and for the tests against it, so a pair at exactly τ is near.
  if (m === 0 || m + held.length < 2) return { tau: 0, nearestHeld };
  const sorted = nearest.sort();
  return { tau: sorted[(m - 1) >> 1], nearestHeld };
}

/**
 * Squared distance between rows a and b, exact when it is at most `bound`; otherwise some
 * value above `bound` (it stops summing once the partial sum passes it, every 8 features).
 * Most pairs in a near-copy test are far apart, so most stop after a few features.
 */
export function sqDistUpTo(data: Float32Array, a: number, b: number, d: number, bound: number): number {
  const ao = a * d;
  const bo = b * d;
  let s = 0;
  let f = 0;
  while (f + 7 < d) {
    const x0 = data[ao + f] - data[bo + f];
    const x1 = data[ao + f + 1] - data[bo + f + 1];
    const x2 = data[ao + f + 2] - data[bo + f + 2];
    const x3 = data[ao + f + 3] - data[bo + f + 3];
    const x4 = data[ao + f + 4] - data[bo + f + 4];
    const x5 = data[ao + f + 5] - data[bo + f + 5];
    const x6 = data[ao + f + 6] - data[bo + f + 6];
    const x7 = data[ao + f + 7] - data[bo + f + 7];
    s += (x0 * x0 + x1 * x1) + (x2 * x2 + x3 * x3) + ((x4 * x4 + x5 * x5) + (x6 * x6 + x7 * x7));
    f += 8;
    if (s > bound) return s;
  }
  for (; f < d; f++) {
    const x = data[ao + f] - data[bo + f];
    s += x * x;
  }
  return s;
}

/**
 * Tests candidates against a fixed set of items (those other annotators hold) at one τ.
 * It starts each test at the held item that refused the previous candidate: candidates next
 * to each other in a ranking are often copies of the same thing (frames of one video), so
 * a run of refusals costs one distance each instead of a scan of every held item.
 */
export class NearHeld {
  private last = 0;
  constructor(private readonly emb: Embeddings, private readonly held: ArrayLike<number>, private readonly tau: number) {}

  /** True when item i lies within squared distance τ of a held item (an exact copy always does). */
  near(i: number): boolean {
    const { held, tau } = this;
    const count = held.length;
    if (count === 0) return false;
    const { d, data } = this.emb;
    for (let k = 0; k < count; k++) {
      const h = (this.last + k) % count;
      if (sqDistUpTo(data, i, held[h], d, tau) <= tau) {
        this.last = h;
        return true;
      }
    }
    return false;
  }
}

/** True when item i lies within squared distance τ of any of `others` (an exact copy always does). */
export function nearAny(emb: Embeddings, i: number, others: ArrayLike<number>, tau: number): boolean {
  return new NearHeld(emb, others, tau).near(i);
}
