import { describe, expect, it } from 'vitest';
import { auroc, labeledStillUncertain, rankingChurn, reliability, uncertaintyVerdict } from '../../../lib/model/evidence';

const probsOf = (rows: number[][]) => ({ n: rows.length, k: rows[0].length, data: Float32Array.from(rows.flat()) });

describe('auroc', () => {
  it('is the share of (positive, negative) pairs the score orders right', () => {
    // Positives score 0.35 and 0.8, negatives 0.1 and 0.4: 3 of 4 pairs in order.
    expect(auroc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBe(0.75);
    expect(auroc([0.1, 0.4, 0.35, 0.8], [true, true, false, false])).toBe(0.25);
  });

  it('counts a tie as half a pair', () => {
    expect(auroc([0.5, 0.5], [true, false])).toBe(0.5);
    // Positive 0.5 against negatives 0.5 (tie) and 0.2 (ordered): (0.5 + 1) / 2.
    expect(auroc([0.5, 0.5, 0.2], [true, false, false])).toBe(0.75);
  });

  it('is null when one side is empty', () => {
    expect(auroc([0.1, 0.2], [true, true])).toBeNull();
    expect(auroc([], [])).toBeNull();
  });
});

describe('reliability', () => {
  // Top-class confidence 0.95 (right), 0.85 (wrong), 0.75 (right), 0.62 (right): mid-bin, away from float32 edges.
  const probs = probsOf([[0.95, 0.05], [0.85, 0.15], [0.25, 0.75], [0.62, 0.38]]);
  const truth = Int32Array.of(0, 1, 1, 0);
  const rows = Int32Array.of(0, 1, 2, 3);

  it('bins the top-class confidence and measures the share right per bin', () => {
    const r = reliability(probs, truth, rows, 2);
    expect(r.bins[0]).toEqual({ lo: 0, hi: 0.5, count: 0, confidence: null, accuracy: null });
    expect(r.bins[1].count).toBe(4);
    expect(r.bins[1].confidence).toBeCloseTo(0.7925, 6);
    expect(r.bins[1].accuracy).toBe(0.75);
    // |3 − 3.17| / 4
    expect(r.ece).toBeCloseTo(0.0425, 6);
  });

  it('weights each bin\'s gap by its share of items', () => {
    // Ten bins: gaps 0.05, 0.85, 0.25, 0.38, one item each: 1.53 / 4.
    expect(reliability(probs, truth, rows, 10).ece).toBeCloseTo(0.3825, 6);
  });
});

describe('uncertaintyVerdict', () => {
  it('recommends a diversity or low-budget strategy below 0.6 only', () => {
    const bad = uncertaintyVerdict(0.52);
    expect(bad.kind).toBe('uninformative');
    expect(bad.kind === 'uninformative' && bad.recommendation).toMatch(/typical-cluster|probcover|kcenter/);
    expect(uncertaintyVerdict(0.81).kind).toBe('informative');
    expect(uncertaintyVerdict(null).kind).toBe('unknown');
  });
});

describe('rankingChurn', () => {
  it('measures the top overlap and Spearman correlation of two rankings', () => {
    // Positions in b of a's items: 1, 0, 2, 4, 3: Σd² = 4, ρ = 1 − 24 / 120.
    const c = rankingChurn([1, 2, 3, 4, 5], [2, 1, 3, 5, 4], 2);
    expect(c.topOverlap).toBe(1);
    expect(c.rankCorrelation).toBeCloseTo(0.8, 12);
    expect(rankingChurn([1, 2, 3], [3, 2, 1]).rankCorrelation).toBeCloseTo(-1, 12);
  });

  it('compares only the items both rankings hold', () => {
    // Shared 1, 2, 3, in reverse order in b; top 2: {1, 2} against {3, 2}.
    const c = rankingChurn([1, 2, 3, 9], [3, 2, 1, 7], 2);
    expect(c.shared).toBe(3);
    expect(c.rankCorrelation).toBeCloseTo(-1, 12);
    expect(c.topOverlap).toBe(0.5);
  });
});

describe('labeledStillUncertain', () => {
  it('is the share of labeled items at least as uncertain as the open pool\'s top decile', () => {
    // Open rows 0–9 at 0.0 … 0.9: the 90th percentile is 0.9. Labeled rows at 0.95, 0.9, 0.2, 0.1.
    const u = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.9, 0.2, 0.1];
    expect(labeledStillUncertain(u, [10, 11, 12, 13], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toBe(0.5);
    expect(labeledStillUncertain(u, [], [0])).toBeNull();
  });
});
