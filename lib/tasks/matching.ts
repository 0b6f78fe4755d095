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
 * the assignment still returns is dropped (so is a pair with similarity 0, even at threshold 0).
 * A greedy "best pair first" matching can lose total similarity (tests/lib/tasks/matching.test.ts
 * shows a case); this cannot.
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
  // The best matching of the whole is the best matching of each connected group of overlapping
  // items, and boxes mostly overlap a few others: solving the groups apart keeps a 1000-box
  // answer from being one 1000 × 1000 assignment (cubic) when it is a thousand 1 × 1 ones.
  for (const { rows, cols } of components(sims, countA, countB)) {
    if (rows.length === 1 && cols.length === 1) {
      pairs.push({ a: rows[0], b: cols[0], similarity: sims[rows[0]][cols[0]] });
      continue;
    }
    // munkres minimises cost: 1 - similarity keeps every cost in [0, 1].
    const cost = rows.map((i) => cols.map((j) => 1 - sims[i][j]));
    for (const [r, c] of munkres(cost)) {
      const s = sims[rows[r]][cols[c]];
      if (s > 0) pairs.push({ a: rows[r], b: cols[c], similarity: s });
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

/** Groups of rows and columns joined by a positive similarity (union-find); items alone in their group are left out. */
function components(sims: number[][], countA: number, countB: number): { rows: number[]; cols: number[] }[] {
  const parent = Array.from({ length: countA + countB }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) { parent[x] = parent[parent[x]]; x = parent[x]; }
    return x;
  };
  const linked = new Set<number>();
  for (let i = 0; i < countA; i++) {
    for (let j = 0; j < countB; j++) {
      if (sims[i][j] <= 0) continue;
      parent[find(i)] = find(countA + j);
      linked.add(i).add(countA + j);
    }
  }
  const groups = new Map<number, { rows: number[]; cols: number[] }>();
  for (const x of [...linked].sort((p, q) => p - q)) {
    const root = find(x);
    if (!groups.has(root)) groups.set(root, { rows: [], cols: [] });
    if (x < countA) groups.get(root)!.rows.push(x); else groups.get(root)!.cols.push(x - countA);
  }
  return [...groups.values()];
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
