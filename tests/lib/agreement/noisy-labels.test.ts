import { describe, expect, it } from 'vitest';
import { noisyLabels } from '../../../lib/agreement/noisy-labels';
import { mulberry32 } from '../../../lib/random';

/** Three tight clusters of 20 points in 4-d, labeled by cluster; `wrong` lists points given another class. */
function clusters(wrong: Record<number, number>, seed = 1) {
  const rng = mulberry32(seed);
  const n = 60;
  const data = new Float32Array(n * 4);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    for (let f = 0; f < 4; f++) data[i * 4 + f] = (f === c ? 10 : 0) + rng();
    labels[i] = wrong[i] ?? c;
  }
  return { vectors: { n, d: 4, data }, labels, classes: 3 };
}

describe('labels their neighbourhood contradicts', () => {
  it('finds a point labeled against its cluster, with the cluster\'s class as the prediction', () => {
    const found = noisyLabels(clusters({ 7: 0 }));
    expect(found.map((f) => [f.index, f.predicted])).toEqual([[7, 1]]);
    expect(found[0].confidence).toBeGreaterThan(0.8);
    expect(found[0].priority).toBeCloseTo(found[0].confidence * found[0].influence);
  });

  it('finds nothing when every label fits its cluster, and nothing in a set too small to judge', () => {
    expect(noisyLabels(clusters({}))).toEqual([]);
    expect(noisyLabels({ vectors: { n: 3, d: 1, data: new Float32Array([0, 1, 2]) }, labels: new Int32Array([0, 1, 0]), classes: 2 })).toEqual([]);
  });

  it('does not flag a point whose neighbours are split (not a confident guess)', () => {
    // Half of cluster 1 labeled 2: no neighbourhood is sure about those points.
    const wrong = Object.fromEntries(Array.from({ length: 10 }, (_, j) => [1 + 6 * j, 2]));
    expect(noisyLabels(clusters(wrong)).filter((f) => f.index % 3 === 1)).toEqual([]);
  });
});
