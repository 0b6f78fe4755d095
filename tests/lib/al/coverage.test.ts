import { describe, expect, it } from 'vitest';
import { ballGraph, distanceToOtherCluster, greedyCoverage, probCover, purityRadius } from '../../../lib/al/coverage';
import { clustered, distinct, line } from './fixtures';

const idx = (s: { indices: Int32Array }) => Array.from(s.indices);
const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('purity radius', () => {
  it('is each point\'s distance to the nearest point of another cluster', () => {
    // Clusters {0, 1} at 0, 1 and {2} at 4: distances 4, 3, 3.
    const d = distanceToOtherCluster(line([0, 1, 4]), all(3), Int32Array.of(0, 0, 1));
    expect(Array.from(d)).toEqual([4, 3, 3]);
  });

  it('keeps at least the purity share of balls pure', () => {
    // Distances to another cluster 1, 2, 3, 4 (four points): at purity 0.75, three balls must stay
    // pure, so δ stays just under 2 (the ball of the point at 2 then holds no other cluster).
    const delta = purityRadius(Float64Array.of(3, 1, 4, 2), 0.75);
    expect(delta).toBeLessThan(2);
    expect(delta).toBeGreaterThan(1.999);
    // At purity 1 every ball stays pure: δ just under the smallest distance.
    expect(purityRadius(Float64Array.of(3, 1, 4, 2), 1)).toBeLessThan(1);
  });

  it('gives 0 when there is one cluster only', () => {
    expect(purityRadius(Float64Array.of(Infinity, Infinity))).toBe(0);
  });
});

describe('greedy coverage', () => {
  it('picks the point whose ball covers the most uncovered points, then the next best', () => {
    // Points 0, 1, 2, 10, 11 on a line with δ = 1: balls of 1 cover {0, 1, 2}, of 10 and 11 cover {10, 11}.
    const g = ballGraph(line([0, 1, 2, 10, 11]), all(5), 1);
    expect(g.map((l) => Array.from(l).sort())).toEqual([[0, 1], [0, 1, 2], [1, 2], [3, 4], [3, 4]]);
    const { picks, gains } = greedyCoverage(g, new Uint8Array(5), new Uint8Array(5).fill(1), 3);
    expect(picks).toEqual([1, 3]);
    expect(gains).toEqual([3, 2]);
  });

  it('counts what labeled points already cover as covered', () => {
    const g = ballGraph(line([0, 1, 2, 10, 11]), all(5), 1);
    const covered = Uint8Array.of(1, 1, 1, 0, 0);
    expect(greedyCoverage(g, covered, Uint8Array.of(0, 0, 1, 1, 1), 1).picks).toEqual([3]);
  });
});

describe('probCover', () => {
  const blobs = clustered([[0, 0, 0], [30, 0, 0], [0, 30, 0], [0, 0, 30]], 25, 2, 9);

  const toOther = Array.from(distanceToOtherCluster(blobs.emb, all(100), blobs.cluster));

  it('covers every blob with one pick each from no labels', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const s = probCover(blobs.emb, { batch: 4, seed, clusters: 4 });
      expect(new Set(idx(s).map((i) => blobs.cluster[i]))).toEqual(new Set([0, 1, 2, 3]));
      expect(s.delta).toBeGreaterThan(0);
      // At least 95% of the balls hold one blob only.
      expect(toOther.filter((x) => x > s.delta).length).toBeGreaterThanOrEqual(95);
    }
  });

  it('leaves the blobs a labeled item already covers', () => {
    const centres = Int32Array.of(0, 25, 50);
    const candidates = all(100).filter((i) => ![0, 25, 50].includes(i));
    const s = probCover(blobs.emb, { batch: 1, seed: 1, clusters: 4, centres, candidates });
    expect(blobs.cluster[s.indices[0]]).toBe(3);
  });

  it('fills with distinct random candidates once everything is covered', () => {
    const s = probCover(blobs.emb, { batch: 10, seed: 1, clusters: 4, delta: 100 });
    expect(s.indices.length).toBe(10);
    expect(distinct(s.indices)).toBe(true);
    expect(s.scores[0]).toBe(1);
    expect(Array.from(s.scores.slice(1))).toEqual(new Array(9).fill(0));
  });
});
