import { describe, expect, it } from 'vitest';
import { objectArea, oks, oksBetween, pckCounts, pckReferenceSize } from '../../../lib/tasks/oks';

// Three points with sigmas 0.1, 0.05, 0.2: k = 2σ = 0.2, 0.1, 0.4 and k² = 0.04, 0.01, 0.16.
const SIGMAS = [0.1, 0.05, 0.2];
const truth = {
  points: [{ x: 0, y: 0, v: 2 }, { x: 10, y: 10, v: 1 }, { x: 5, y: 5, v: 0 }],
  box: { x: 0, y: 0, w: 10, h: 20 },
};
const predicted = { points: [{ x: 3, y: 4 }, { x: 12, y: 10 }, { x: 100, y: 100 }] };

describe('oks', () => {
  it('matches the formula worked by hand on a three-point skeleton with a box', () => {
    // s² = box area = 10 × 20 = 200, so 2 s² k² = 400 k² = 16, 4, 64.
    // Point 0: d² = 3² + 4² = 25 → exp(−25/16) = exp(−1.5625) = 0.2096114
    // Point 1: d² = 2² + 0² = 4  → exp(−4/4)   = exp(−1)      = 0.3678794
    // Point 2: v = 0 in the truth → not counted, however far the prediction is.
    // OKS = (0.2096114 + 0.3678794) / 2 = 0.2887454
    expect(oks(truth, predicted, SIGMAS)).toBeCloseTo(0.2887454141612701, 12);
  });

  it('takes the area from the bounds of the truth\'s labeled points when it has no box', () => {
    // Labeled points (0,0) and (10,10): bounds 10 × 10, s² = 100, 2 s² k² = 200 k² = 8, 2.
    // OKS = (exp(−25/8) + exp(−4/2)) / 2 = (0.0439369 + 0.1353353) / 2 = 0.0896361
    const noBox = { points: truth.points };
    expect(objectArea(noBox)).toBe(100);
    expect(oks(noBox, predicted, SIGMAS)).toBeCloseTo(0.08963610843001006, 12);
  });

  it('is 1 for identical points and falls toward 0 as they move apart', () => {
    expect(oks(truth, truth, SIGMAS)).toBe(1);
    const far = { points: predicted.points.map((p) => ({ x: p.x + 50, y: p.y })) };
    expect(oks(truth, far, SIGMAS)!).toBeLessThan(1e-6);
  });

  it('scores a point the other marks absent as 0 and ignores the truth\'s absent points', () => {
    const absent = { points: [{ x: 0, y: 0, v: 0 }, { x: 10, y: 10, v: 2 }, { x: 0, y: 0, v: 0 }] };
    // Point 0 labeled in the truth, absent in the other: 0. Point 1 identical: 1. Mean 0.5.
    expect(oks(truth, absent, SIGMAS)).toBe(0.5);
  });

  it('is null when the truth labels no point (COCO ignores such a truth)', () => {
    expect(oks({ points: [{ x: 1, y: 1, v: 0 }] }, { points: [{ x: 1, y: 1 }] }, [0.1])).toBeNull();
  });

  it('does not divide by zero for a one-point skeleton with no box (area floored at 1 px²)', () => {
    const one = { points: [{ x: 5, y: 5, v: 2 }] };
    expect(objectArea(one)).toBe(1);
    // k = 0.2, 2 s² k² = 0.08; d² = 0.01 → exp(−0.125)
    expect(oks(one, { points: [{ x: 5.1, y: 5 }] }, [0.1])).toBeCloseTo(Math.exp(-0.01 / 0.08), 12);
  });
});

describe('oksBetween', () => {
  it('is symmetric: the mean of OKS each way', () => {
    const a = { points: [{ x: 0, y: 0, v: 2 }, { x: 10, y: 10, v: 2 }] };
    const b = { points: [{ x: 1, y: 0, v: 2 }, { x: 10, y: 12, v: 2 }], box: { x: 0, y: 0, w: 20, h: 20 } };
    const sig = [0.1, 0.1];
    const expected = (oks(a, b, sig)! + oks(b, a, sig)!) / 2;
    expect(oksBetween(a, b, sig)).toBeCloseTo(expected, 12);
    expect(oksBetween(b, a, sig)).toBeCloseTo(expected, 12);
    expect(oks(a, b, sig)).not.toBeCloseTo(oks(b, a, sig)!, 3); // the areas differ, so one way alone is not symmetric
  });
});

describe('pckCounts at 0.2', () => {
  it('counts a point correct within 0.2 × the longer side of the truth\'s box', () => {
    // Box 10 × 20: reference 20, limit 4 px. Point 0 is 5 px off (miss), point 1 is 2 px off (hit).
    expect(pckReferenceSize(truth)).toBe(20);
    expect(pckCounts(truth, predicted)).toEqual({ correct: 1, total: 2 });
  });

  it('counts a point exactly at the limit as correct and one just past it as wrong', () => {
    const t = { points: [{ x: 0, y: 0, v: 2 }], box: { x: 0, y: 0, w: 10, h: 5 } }; // limit 2 px
    expect(pckCounts(t, { points: [{ x: 2, y: 0 }] })).toEqual({ correct: 1, total: 1 });
    expect(pckCounts(t, { points: [{ x: 2.01, y: 0 }] })).toEqual({ correct: 0, total: 1 });
  });

  it('counts every labeled point as a miss when no instance matched the truth', () => {
    expect(pckCounts(truth, null)).toEqual({ correct: 0, total: 2 });
  });
});
