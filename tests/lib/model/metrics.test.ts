import { describe, expect, it } from 'vitest';
import { holdoutMetrics } from '../../../lib/model';

const probs = (rows: number[][]) => ({ n: rows.length, k: rows[0].length, data: Float32Array.from(rows.flat()) });

describe('holdoutMetrics', () => {
  // Four holdout items, two classes: predictions 0, 0, 1, 1; truth 0, 1, 1, 1.
  const p = probs([[0.95, 0.05], [0.65, 0.35], [0.15, 0.85], [0.25, 0.75], [0.5, 0.5]]);
  const truth = Int32Array.from([0, 1, 1, 1, -1]);
  const m = holdoutMetrics(p, truth, Int32Array.from([0, 1, 2, 3]), 10);

  it('computes accuracy and macro-F1 by hand', () => {
    expect(m.accuracy).toBeCloseTo(0.75, 9);
    // class 0: tp 1 fp 1 fn 0 → F1 2/3; class 1: tp 2 fp 0 fn 1 → F1 4/5.
    expect(m.macroF1).toBeCloseTo((2 / 3 + 4 / 5) / 2, 9);
    expect(m.holdoutSize).toBe(4);
  });

  it('computes log loss on the true class', () => {
    expect(m.logLoss).toBeCloseTo(-(Math.log(0.95) + Math.log(0.35) + Math.log(0.85) + Math.log(0.75)) / 4, 6);
  });

  it('computes ECE over equal-width confidence bins', () => {
    // Bins of 0.1: 0.95 → bin 9 (hit), 0.65 → bin 6 (miss), 0.85 → bin 8 (hit), 0.75 → bin 7 (hit).
    expect(m.ece).toBeCloseTo((0.05 + 0.65 + 0.15 + 0.25) / 4, 6);
  });

  it('clips log loss for a confident mistake and reports nothing for an empty holdout', () => {
    const bad = holdoutMetrics(probs([[1, 0]]), Int32Array.from([1]), Int32Array.from([0]));
    expect(bad.logLoss).toBeCloseTo(-Math.log(1e-7), 3);
    expect(holdoutMetrics(p, truth, new Int32Array(0)).holdoutSize).toBe(0);
    expect(() => holdoutMetrics(p, truth, Int32Array.from([4]))).toThrow(/no known class/);
  });
});
