import { munkres } from 'munkres';

/**
 * One-to-one matching of two lists (boxes, skeleton instances) by a similarity in [0, 1]:
 * IoU for boxes, OKS for skeletons. Used by agreement (two annotators' answers) and by the
 * holdout metrics' mean IoU; AP uses COCO's greedy matching instead (see ap.ts), because
 * that is what the published numbers it is compared with were computed with.
 */

export interface MatchedPair {
  /** Index in the first list. */
  a: number;
  /** Index in the second list. */
  b: number;
  similarity: number;
}

export interface Matching {
  pairs: MatchedPair[];
  /** Indices of the first list left without a partner, ascending. */
  unmatchedA: number[];
  /** Indices of the second list left without a partner, ascending. */
  unmatchedB: number[];
}

/**
 * The one-to-one matching with the largest total similarity among pairs whose similarity is at
 * least `threshold` (Hungarian method, munkres). Pairs below the threshold are never matched:
 * they are scored 0 before the assignment, so they add nothing to the total, and any such pair
 * the assignment still returns is dropped. A greedy "best pair first" matching can lose total
 * similarity (tests/lib/tasks/matching.test.ts shows a case); this cannot.
 */
export function matchOptimal(
  countA: number,
  countB: number,
  similarity: (a: number, b: number) => number,
  threshold: number,
): Matching {
  const sims: number[][] = [];
  for (let i = 0; i < countA; i++) {
    const row: number[] = [];
    for (let j = 0; j < countB; j++) {
      const s = similarity(i, j);
      row.push(Number.isFinite(s) && s >= threshold ? s : 0);
    }
    sims.push(row);
  }
  const pairs: MatchedPair[] = [];
  if (countA > 0 && countB > 0) {
    // munkres minimises cost: 1 - similarity keeps every cost in [0, 1].
    const cost = sims.map((row) => row.map((s) => 1 - s));
    for (const [i, j] of munkres(cost)) {
      const s = sims[i][j];
      if (s > 0 && s >= threshold) pairs.push({ a: i, b: j, similarity: s });
    }
  }
  pairs.sort((p, q) => p.a - q.a);
  const usedA = new Set(pairs.map((p) => p.a));
  const usedB = new Set(pairs.map((p) => p.b));
  return {
    pairs,
    unmatchedA: range(countA).filter((i) => !usedA.has(i)),
    unmatchedB: range(countB).filter((j) => !usedB.has(j)),
  };
}

/** Optimal matching of two lists of items with a similarity function on items. */
export function matchItems<A, B>(as: readonly A[], bs: readonly B[], similarity: (a: A, b: B) => number, threshold: number): Matching {
  return matchOptimal(as.length, bs.length, (i, j) => similarity(as[i], bs[j]), threshold);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
