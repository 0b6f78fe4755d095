import { describe, expect, it } from 'vitest';
import { predictSoftmax, trainSoftmax } from '../../../lib/model';
import { mulberry32 } from '../../../lib/random';

/** Three blobs in 2-d around (0, 0), (5, 0) and (0, 5). */
function blobs(n: number, seed: number) {
  const rand = mulberry32(seed);
  const centres = [[0, 0], [5, 0], [0, 5]];
  const data = new Float32Array(n * 2);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    truth[i] = c;
    data[i * 2] = centres[c][0] + rand() - 0.5;
    data[i * 2 + 1] = centres[c][1] + rand() - 0.5;
  }
  return { x: { n, d: 2, data }, truth };
}

describe('softmax head', () => {
  it('learns separable classes from a few labeled rows and predicts the rest', () => {
    const { x, truth } = blobs(300, 1);
    const rows = Int32Array.from([0, 1, 2, 3, 4, 5]);
    const head = trainSoftmax(x, rows, Int32Array.from([...rows].map((r) => truth[r])), 3);
    const p = predictSoftmax(head, x);
    let right = 0;
    for (let i = 0; i < x.n; i++) {
      const row = [...p.data.subarray(i * 3, i * 3 + 3)];
      expect(row.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
      if (row.indexOf(Math.max(...row)) === truth[i]) right++;
    }
    expect(right / x.n).toBeGreaterThan(0.95);
  });

  it('is uniform with no labels and deterministic', () => {
    const { x } = blobs(30, 2);
    const none = predictSoftmax(trainSoftmax(x, new Int32Array(0), new Int32Array(0), 4), x);
    expect(none.data[0]).toBeCloseTo(0.25, 6);
    const a = trainSoftmax(x, Int32Array.from([0, 1]), Int32Array.from([0, 1]), 2);
    const b = trainSoftmax(x, Int32Array.from([0, 1]), Int32Array.from([0, 1]), 2);
    expect([...a.weights]).toEqual([...b.weights]);
    expect(() => predictSoftmax(a, { n: 1, d: 3, data: new Float32Array(3) })).toThrow(/3 features/);
  });
});
