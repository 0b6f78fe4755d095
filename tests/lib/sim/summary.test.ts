import { describe, expect, it } from 'vitest';
import { labelRatio, median, seedResult, summarise } from '../../../lib/sim/summary';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([80, 100])).toBe(90);
    expect(median([])).toBeNull();
  });

  it('counts a target never reached (null) as more than any number', () => {
    expect(median([100, null, 80])).toBe(100);
    expect(median([null, null, 80])).toBeNull();
    expect(median([null, 70, 80, 90])).toBe(85);
    expect(median([null, null, 80, 90])).toBeNull();
  });
});

describe('summarise', () => {
  const seeds = [
    seedResult(1, [[10, 0.5], [20, 0.9]], 0.9),
    seedResult(2, [[10, 0.7], [20, 0.8]], 0.9),
    seedResult(3, [[10, 0.9], [20, 0.95]], 0.9),
  ];

  it('reads AULC and labels to the target per seed', () => {
    expect(seeds.map((s) => s.labelsToTarget)).toEqual([20, null, 10]);
    expect(seeds[0].aulc).toBeCloseTo(0.7, 12);
  });

  it('gives medians over seeds and how many seeds reached the target', () => {
    const s = summarise(seeds);
    expect(s.aulc.median).toBeCloseTo(0.75, 12);
    expect(s.aulc.min).toBeCloseTo(0.7, 12);
    expect(s.aulc.max).toBeCloseTo(0.925, 12);
    expect(s.labelsToTarget).toEqual({ median: 20, reached: 2 });
    expect(s.seeds).toBe(seeds);
  });
});

describe('labelRatio', () => {
  const withMedian = (m: number | null) => ({ seeds: [], aulc: { median: 0, min: 0, max: 0 }, labelsToTarget: { median: m, reached: 0 } });

  it('is the baseline median over the candidate median', () => {
    expect(labelRatio(withMedian(180), withMedian(60), 300)).toEqual({ ratio: 3, atLeast: false });
  });

  it('is a lower bound from budget + 1 when the baseline never reached the target', () => {
    expect(labelRatio(withMedian(null), withMedian(100), 300)).toEqual({ ratio: 3.01, atLeast: true });
  });

  it('is null when the candidate never reached it', () => {
    expect(labelRatio(withMedian(100), withMedian(null), 300)).toBeNull();
  });
});
