import { describe, expect, it } from 'vitest';
import { aulc, labelsToTarget } from '../../../lib/sim/aulc';

describe('aulc', () => {
  it('is the trapezoid area under the curve divided by the label range', () => {
    // (20 − 10) · (0.5 + 0.7) / 2 + (40 − 20) · (0.7 + 0.9) / 2 = 6 + 16 = 22 over a range of 30.
    expect(aulc([[10, 0.5], [20, 0.7], [40, 0.9]])).toBeCloseTo(22 / 30, 12);
  });

  it('scores a flat curve its own height, whatever its length', () => {
    expect(aulc([[10, 0.8], [20, 0.8], [300, 0.8]])).toBeCloseTo(0.8, 12);
  });

  it('scores a single point its accuracy and an empty curve 0', () => {
    expect(aulc([[10, 0.42]])).toBe(0.42);
    expect(aulc([])).toBe(0);
  });

  it('refuses a curve whose labels go down', () => {
    expect(() => aulc([[20, 0.5], [10, 0.6]])).toThrow(/must not decrease/);
  });
});

describe('labelsToTarget', () => {
  const curve: [number, number][] = [[10, 0.5], [20, 0.91], [30, 0.85], [40, 0.95]];

  it('is the first label count at which the accuracy reaches the target, even if it dips after', () => {
    expect(labelsToTarget(curve, 0.9)).toBe(20);
    expect(labelsToTarget(curve, 0.95)).toBe(40);
    expect(labelsToTarget(curve, 0.5)).toBe(10);
  });

  it('is null when the target is never reached', () => {
    expect(labelsToTarget(curve, 0.96)).toBeNull();
    expect(labelsToTarget([], 0.1)).toBeNull();
  });
});
