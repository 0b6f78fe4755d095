import { describe, expect, it } from 'vitest';
import { baselineCurve } from '../../../lib/sim/baseline';
import { mulberry32 } from '../../../lib/random';

/** 200 rows in 5-d, two classes apart along the first coordinate (class i % 2). */
function twoClasses() {
  const rng = mulberry32(5);
  const n = 200;
  const d = 5;
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) data[i * d + f] = (f === 0 ? (i % 2 === 0 ? -2 : 2) : 0) + rng() - 0.5;
  return { rows: { n, d, data }, truth: Int32Array.from({ length: n }, (_, i) => i % 2) };
}

describe('the logistic-regression baseline', () => {
  const { rows, truth } = twoClasses();
  const holdout = Int32Array.from({ length: 40 }, (_, i) => i * 5);

  it('measures the holdout every batch up to the budget, learning a separable problem', () => {
    const curve = baselineCurve({ rows, truth, k: 2, holdout, seed: 1, batch: 10, budget: 40 });
    expect(curve.map(([labels]) => labels)).toEqual([10, 20, 30, 40]);
    expect(curve[curve.length - 1][1]).toBe(1);
  });

  it('is the same for the same seed and never trains on the holdout', () => {
    const a = baselineCurve({ rows, truth, k: 2, holdout, seed: 2, batch: 10, budget: 200 });
    expect(baselineCurve({ rows, truth, k: 2, holdout, seed: 2, batch: 10, budget: 200 })).toEqual(a);
    // 160 rows outside the holdout: the curve stops there, whatever the budget.
    expect(a[a.length - 1][0]).toBe(160);
  });
});
