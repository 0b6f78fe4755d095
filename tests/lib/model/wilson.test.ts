import { describe, expect, it } from 'vitest';
import { accuracyInterval, wilsonInterval } from '../../../lib/model/wilson';

describe('the Wilson score interval', () => {
  // Newcombe (1998), table I, method 3 (score interval without continuity correction), 95%.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('matches the published interval for %i of %i', (k, n, lo, hi) => {
    const ci = wilsonInterval(k, n)!;
    expect(ci.lo).toBeCloseTo(lo, 4);
    expect(ci.hi).toBeCloseTo(hi, 4);
  });

  it('is wide on a tiny holdout and never zero-width at 0 or all right', () => {
    expect(wilsonInterval(5, 5)!.lo).toBeCloseTo(0.5655, 4);
    expect(wilsonInterval(5, 5)!.hi).toBe(1);
    expect(wilsonInterval(0, 5)).toEqual({ lo: 0, hi: expect.closeTo(0.4345, 4) });
    const four = wilsonInterval(4, 5)!;
    expect(four.hi - four.lo).toBeGreaterThan(0.5);
  });

  it('narrows as the holdout grows, around the same share', () => {
    const widths = [10, 100, 1000].map((n) => { const ci = wilsonInterval(0.8 * n, n)!; return ci.hi - ci.lo; });
    expect(widths[0]).toBeGreaterThan(widths[1]);
    expect(widths[1]).toBeGreaterThan(widths[2]);
  });

  it('says nothing without items, and refuses a count outside 0..n', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(6, 5)).toThrow(/within 0\.\.5/);
  });

  it('reads a reported accuracy as the nearest whole number of items right', () => {
    expect(accuracyInterval(0.8, 10)).toEqual(wilsonInterval(8, 10));
    expect(accuracyInterval(0.333333, 3)).toEqual(wilsonInterval(1, 3));
    expect(accuracyInterval(0.9, 0)).toBeNull();
  });
});
