import { describe, expect, it } from 'vitest';
import { knnGraph } from '../../../lib/model';

const line = (xs: number[]) => ({ n: xs.length, d: 1, data: Float32Array.from(xs) });
const neighbours = (g: ReturnType<typeof knnGraph>, i: number) => [...g.cols.subarray(g.rowStart[i], g.rowStart[i + 1])];

describe('knnGraph', () => {
  it('links each point to its nearest neighbours, kept when either end chose the edge', () => {
    const g = knnGraph(line([0, 1, 2.5, 10, 10.5]), 1);
    expect(neighbours(g, 0)).toEqual([1]);
    expect(neighbours(g, 1)).toEqual([0, 2]); // 1 chose 0; 2 chose 1
    expect(neighbours(g, 2)).toEqual([1]);
    expect(neighbours(g, 3)).toEqual([4]);
    expect(neighbours(g, 4)).toEqual([3]);
  });

  it('is symmetric with Gaussian weights in (0, 1], nearer is heavier', () => {
    const g = knnGraph(line([0, 1, 3, 6, 10]), 2);
    const w = (i: number, j: number) => {
      for (let p = g.rowStart[i]; p < g.rowStart[i + 1]; p++) if (g.cols[p] === j) return g.weights[p];
      return 0;
    };
    for (let i = 0; i < g.n; i++) {
      for (const j of neighbours(g, i)) {
        expect(w(j, i)).toBeCloseTo(w(i, j), 6);
        expect(w(i, j)).toBeGreaterThan(0);
        expect(w(i, j)).toBeLessThanOrEqual(1);
      }
    }
    expect(w(0, 1)).toBeGreaterThan(w(0, 2));
  });

  it('has no edges when k is 0 or there is one point', () => {
    expect(knnGraph(line([1, 2, 3]), 0).cols.length).toBe(0);
    expect(knnGraph(line([1]), 5).cols.length).toBe(0);
  });

  it('finds the exact neighbours in several dimensions', () => {
    const data = Float32Array.from([0, 0, 0, 1, 5, 5, 5, 6, 0, 0.5]);
    const g = knnGraph({ n: 5, d: 2, data }, 1);
    expect(neighbours(g, 0)).toContain(4);
    expect(neighbours(g, 2)).toEqual([3]);
  });
});
