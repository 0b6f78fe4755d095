import { describe, expect, it } from 'vitest';
import { iou } from '../../../lib/tasks/geometry';
import { matchItems, matchOptimal } from '../../../lib/tasks/matching';

const fromMatrix = (m: number[][], threshold: number) =>
  matchOptimal(m.length, m[0]?.length ?? 0, (i, j) => m[i][j], threshold);

/** Best pair first, then the best of what is left: what the Hungarian method must beat. */
function greedyTotal(m: number[][], threshold: number): number {
  const usedA = new Set<number>(), usedB = new Set<number>();
  const cells = m.flatMap((row, i) => row.map((s, j) => ({ i, j, s }))).sort((p, q) => q.s - p.s);
  let total = 0;
  for (const c of cells) {
    if (c.s < threshold || usedA.has(c.i) || usedB.has(c.j)) continue;
    usedA.add(c.i); usedB.add(c.j); total += c.s;
  }
  return total;
}

describe('matchOptimal', () => {
  it('finds the matching greedy misses: taking the best pair first would leave the second box unmatched', () => {
    // 10×10 boxes on one row. IoU of two 10×10 boxes offset by d along x is (10-d)·10 / (200 - (10-d)·10).
    const a = [{ x: 0, y: 0, w: 10, h: 10 }, { x: 5, y: 0, w: 10, h: 10 }];
    const b = [{ x: 1, y: 0, w: 10, h: 10 }, { x: -4, y: 0, w: 10, h: 10 }];
    // a0-b0: d=1 → 90/110 = 0.818; a0-b1: d=4 → 60/140 = 0.429
    // a1-b0: d=4 → 0.429;           a1-b1: d=9 → 10/190 = 0.053 (below 0.3)
    const m = a.map((p) => b.map((q) => iou(p, q)));
    expect(m[0][0]).toBeCloseTo(90 / 110, 12);
    expect(m[0][1]).toBeCloseTo(60 / 140, 12);
    expect(m[1][1]).toBeCloseTo(10 / 190, 12);
    // Greedy takes a0-b0 (0.818) and a1 is left with b1 at 0.053: one pair, 0.818 in all.
    expect(greedyTotal(m, 0.3)).toBeCloseTo(90 / 110, 12);
    // The optimum pairs a0-b1 and a1-b0: two pairs, 0.857 in all.
    const matching = matchItems(a, b, iou, 0.3);
    expect(matching.pairs.map((p) => [p.a, p.b])).toEqual([[0, 1], [1, 0]]);
    expect(matching.pairs.reduce((t, p) => t + p.similarity, 0)).toBeCloseTo(120 / 140, 12);
    expect(matching.unmatchedA).toEqual([]);
    expect(matching.unmatchedB).toEqual([]);
  });

  it('never matches a pair below the threshold, even when the assignment has nothing better for it', () => {
    const matching = fromMatrix([[0.9, 0.1], [0.2, 0.4]], 0.5);
    expect(matching.pairs).toEqual([{ a: 0, b: 0, similarity: 0.9 }]);
    expect(matching.unmatchedA).toEqual([1]);
    expect(matching.unmatchedB).toEqual([1]);
  });

  it('never matches a pair with no overlap at all, even at threshold 0', () => {
    const matching = fromMatrix([[0, 0.3]], 0);
    expect(matching.pairs).toEqual([{ a: 0, b: 1, similarity: 0.3 }]);
    expect(fromMatrix([[0, 0]], 0).pairs).toEqual([]);
  });

  it('matches more rows than columns: the rows left over are the unmatched ones', () => {
    const matching = fromMatrix([[0.6, 0.1], [0.7, 0.65], [0.2, 0.9]], 0.5);
    // r1-c0 + r2-c1 = 0.7 + 0.9 = 1.6 beats r0-c0 + r2-c1 = 1.5 and r0-c0 + r1-c1 = 1.25.
    expect(matching.pairs.map((p) => [p.a, p.b])).toEqual([[1, 0], [2, 1]]);
    expect(matching.unmatchedA).toEqual([0]);
    expect(matching.unmatchedB).toEqual([]);
  });

  it('matches more columns than rows', () => {
    const matching = fromMatrix([[0.55, 0.8, 0.6, 0.7]], 0.5);
    expect(matching.pairs).toEqual([{ a: 0, b: 1, similarity: 0.8 }]);
    expect(matching.unmatchedB).toEqual([0, 2, 3]);
  });

  it('agrees with brute force on every 3×4 problem drawn from a fixed seed', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 50; trial++) {
      const m = [0, 1, 2].map(() => [0, 1, 2, 3].map(() => Math.round(rand() * 100) / 100));
      const best = bruteForce(m, 0.3);
      const total = fromMatrix(m, 0.3).pairs.reduce((t, p) => t + p.similarity, 0);
      expect(total).toBeCloseTo(best, 9);
    }
  });

  it('solves separate groups of overlapping items each optimally', () => {
    // Two blocks with nothing between them, each a case greedy gets wrong (0.9 first strands the rest).
    const m = [
      [0.9, 0.8, 0, 0],
      [0.8, 0, 0, 0],
      [0, 0, 0, 0.7],
      [0, 0, 0.7, 0.6],
    ];
    expect(fromMatrix(m, 0.5).pairs.map((p) => [p.a, p.b])).toEqual([[0, 1], [1, 0], [2, 3], [3, 2]]);
  });

  it('agrees with brute force on sparse 6×5 problems (many separate groups) drawn from a fixed seed', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 50; trial++) {
      const m = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => (rand() < 0.7 ? 0 : Math.round(rand() * 100) / 100)));
      const total = fromMatrix(m, 0.2).pairs.reduce((t, p) => t + p.similarity, 0);
      expect(total).toBeCloseTo(bruteForce(m, 0.2), 9);
    }
  });

  it('returns no pairs and everything unmatched when either list is empty', () => {
    expect(matchOptimal(0, 0, () => 1, 0.5)).toEqual({ pairs: [], unmatchedA: [], unmatchedB: [] });
    expect(matchOptimal(2, 0, () => 1, 0.5)).toEqual({ pairs: [], unmatchedA: [0, 1], unmatchedB: [] });
    expect(matchOptimal(0, 3, () => 1, 0.5)).toEqual({ pairs: [], unmatchedA: [], unmatchedB: [0, 1, 2] });
  });
});

/** The best total over every injective map of rows to columns (or to nothing). */
function bruteForce(m: number[][], threshold: number): number {
  const cols = m[0].length;
  const go = (row: number, used: Set<number>): number => {
    if (row === m.length) return 0;
    let best = go(row + 1, used);
    for (let c = 0; c < cols; c++) {
      if (used.has(c) || m[row][c] < threshold) continue;
      used.add(c);
      best = Math.max(best, m[row][c] + go(row + 1, used));
      used.delete(c);
    }
    return best;
  };
  return go(0, new Set());
}
