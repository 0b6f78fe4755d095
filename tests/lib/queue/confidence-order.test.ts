import { describe, expect, it } from 'vitest';
import { mostConfidentFirst } from '../../../lib/queue/confidence-order';
import { mulberry32 } from '../../../lib/random';

const byComparator = (indices: Int32Array, c: Float32Array) =>
  Array.from(indices).filter((i) => !Number.isNaN(c[i])).sort((x, y) => c[y] - c[x] || x - y);

describe('the easy order: most confident first, ties by pool index', () => {
  it('orders a small case by hand', () => {
    const c = Float32Array.from([0.5, 0.9, NaN, 0.5, 1, 0, -0]);
    expect(Array.from(mostConfidentFirst(Int32Array.from([0, 1, 2, 3, 4, 5, 6]), c))).toEqual([4, 1, 0, 3, 5, 6]);
  });

  it('equals the comparator order on seeded pools with many ties, unranked items and a subset of indices', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const rnd = mulberry32(seed);
      const n = 20_000;
      const c = new Float32Array(n);
      for (let i = 0; i < n; i++) c[i] = rnd() < 0.1 ? NaN : rnd() < 0.3 ? Math.round(rnd() * 10) / 10 : rnd();
      const indices = Int32Array.from({ length: n }, (_, i) => i).filter(() => rnd() < 0.8);
      expect(Array.from(mostConfidentFirst(indices, c))).toEqual(byComparator(indices, c));
    }
  });

  it('falls back to the comparator for values outside [0, 1] and gives the same order', () => {
    const c = Float32Array.from([2, -1, 0.5, 3]);
    expect(Array.from(mostConfidentFirst(Int32Array.from([0, 1, 2, 3]), c))).toEqual([3, 0, 2, 1]);
  });

  it('an empty ranking is an empty order', () => {
    expect(mostConfidentFirst(new Int32Array(0), new Float32Array(0))).toHaveLength(0);
  });
});
