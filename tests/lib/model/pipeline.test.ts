import { describe, expect, it } from 'vitest';
import { bootstrapCommittee, buildFeatures, trainRound } from '../../../lib/model';
import { STRATEGY_NAMES } from '../../../lib/al';
import { mulberry32 } from '../../../lib/random';

/** Three well-separated blobs of 30 points in 6-d, a few labels each. */
function data(gap = 5) {
  const rand = mulberry32(4);
  const n = 90;
  const d = 6;
  const x = new Float32Array(n * d);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    truth[i] = i % 3;
    for (let f = 0; f < d; f++) x[i * d + f] = (f === truth[i] ? gap : 0) + rand();
  }
  const labels = new Int32Array(n).fill(-1);
  for (const i of [0, 1, 2, 3, 4, 5]) labels[i] = truth[i];
  return { features: buildFeatures({ n, d, data: x }, { components: 3, neighbours: 5 }), labels, truth, n };
}

describe('trainRound', () => {
  const { features, labels, truth, n } = data();
  const candidates = Int32Array.from({ length: n - 6 }, (_, i) => i + 6);

  it('runs every strategy the product offers, and never picks a labeled item', () => {
    for (const strategy of STRATEGY_NAMES) {
      const { probs, selection } = trainRound({ features, labels, k: 3, candidates, strategy, batch: 5, seed: 1 });
      expect(selection.indices.length, strategy).toBe(5);
      for (const i of selection.indices) expect(i, strategy).toBeGreaterThanOrEqual(6);
      expect(probs.n).toBe(n);
    }
  });

  it('fits the labels well enough to classify the blobs', () => {
    const { probs } = trainRound({ features, labels, k: 3, candidates, strategy: 'margin', batch: 5, seed: 1 });
    let right = 0;
    for (let i = 0; i < n; i++) {
      const row = [...probs.data.subarray(i * 3, i * 3 + 3)];
      if (row.indexOf(Math.max(...row)) === truth[i]) right++;
    }
    expect(right / n).toBeGreaterThan(0.95);
  });

  it('builds a bootstrap committee whose members are label-spreading fits of label subsets, seeded', () => {
    // Overlapping blobs, so that which labels a member keeps changes what it believes.
    const { features, labels, n } = data(0.8);
    const a = bootstrapCommittee(features, labels, 3, { seed: 2, members: 4 });
    expect(a).toMatchObject({ n, k: 3, t: 4 });
    expect([...a.data]).toEqual([...bootstrapCommittee(features, labels, 3, { seed: 2, members: 4 }).data]);
    expect([...a.data]).not.toEqual([...bootstrapCommittee(features, labels, 3, { seed: 3, members: 4 }).data]);
    for (let s = 0; s < 4; s++) {
      const row = a.data.subarray(s * n * 3, s * n * 3 + 3);
      expect(row[0] + row[1] + row[2]).toBeCloseTo(1, 5);
    }
  });
});
