import { describe, expect, it } from 'vitest';
import { buildFeatures } from '../../../lib/model';
import { mulberry32 } from '../../../lib/random';
import { drawHoldout, simulateRun, type SimData } from '../../../lib/sim/simulate';

/** Three tight 2-d blobs of 40 points each, class = blob; rows ordered by class. */
function blobs(seed = 1): SimData {
  const rng = mulberry32(seed);
  const centres = [[0, 0], [10, 0], [0, 10]];
  const per = 40;
  const n = centres.length * per;
  const x = new Float32Array(n * 2);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / per);
    truth[i] = c;
    x[i * 2] = centres[c][0] + rng() - 0.5;
    x[i * 2 + 1] = centres[c][1] + rng() - 0.5;
  }
  return { features: buildFeatures({ n, d: 2, data: x }), truth, k: 3 };
}

const data = blobs();
const holdoutOf = (seed: number) => drawHoldout(data, 0.25, seed);

describe('drawHoldout', () => {
  it('draws about the fraction asked, a different set per seed, the same for the same seed', () => {
    const a = holdoutOf(1);
    expect(a.length).toBeGreaterThan(15);
    expect(a.length).toBeLessThan(45);
    expect(Array.from(holdoutOf(1))).toEqual(Array.from(a));
    expect(Array.from(holdoutOf(2))).not.toEqual(Array.from(a));
  });

  it('keeps a group on one side, honours fixed splits and leaves out rows without a label', () => {
    const truth = Int32Array.from({ length: 12 }, (_, i) => (i === 11 ? -1 : i % 2));
    const groups = Array.from({ length: 12 }, (_, i) => `g${Math.floor(i / 4)}`);
    const splits = Array.from({ length: 12 }, (_, i) => (i === 0 ? 'holdout' as const : i === 4 ? 'pool' as const : undefined));
    for (let seed = 1; seed <= 20; seed++) {
      const h = new Set(drawHoldout({ truth, groups, splits }, 0.5, seed));
      expect(h.has(0)).toBe(true);
      expect(h.has(4)).toBe(false);
      expect(h.has(11)).toBe(false);
      expect(h.has(1)).toBe(h.has(2));
      expect(h.has(2)).toBe(h.has(3));
      expect(h.has(9)).toBe(h.has(10));
    }
  });

  it('refuses a fraction outside (0, 1)', () => {
    expect(() => drawHoldout(data, 0, 1)).toThrow(/\(0, 1\)/);
    expect(() => drawHoldout(data, 1, 1)).toThrow(/\(0, 1\)/);
  });
});

describe('simulateRun', () => {
  const run = (strategy: 'random' | 'auto' | 'margin', seed: number, extra: Partial<Parameters<typeof simulateRun>[0]> = {}) =>
    simulateRun({ data, holdout: holdoutOf(seed), strategy, seed, batch: 5, budget: 20, ...extra });

  it('measures after every batch, the last one cut to the budget', () => {
    const r = run('random', 1, { budget: 17 });
    expect(r.curve.map(([labels]) => labels)).toEqual([5, 10, 15, 17]);
    expect(r.picked.length).toBe(17);
    for (const [, acc] of r.curve) {
      expect(acc).toBeGreaterThanOrEqual(0);
      expect(acc).toBeLessThanOrEqual(1);
    }
  });

  it.each(['random', 'auto', 'margin'] as const)('%s is deterministic for a seed and differs between seeds', (strategy) => {
    const a = run(strategy, 3);
    const b = run(strategy, 3);
    expect(b.curve).toEqual(a.curve);
    expect(Array.from(b.picked)).toEqual(Array.from(a.picked));
    expect(Array.from(run(strategy, 4).picked)).not.toEqual(Array.from(a.picked));
  });

  it('never picks a holdout item, nor one twice, even when the budget exceeds the pool', () => {
    const holdout = holdoutOf(5);
    const r = simulateRun({ data, holdout, strategy: 'random', seed: 5, batch: 7, budget: 1000 });
    const picked = new Set(r.picked);
    expect(picked.size).toBe(r.picked.length);
    expect(picked.size).toBe(data.truth.length - holdout.length);
    for (const h of holdout) expect(picked.has(h)).toBe(false);
    expect(r.curve[r.curve.length - 1][0]).toBe(picked.size);
  });

  it('never trains on the holdout: holdout rows given the wrong class are never predicted as it', () => {
    const holdout = holdoutOf(6);
    // Every holdout row claims the next blob's class: training on them would teach it, measuring them scores 0.
    const truth = Int32Array.from(data.truth);
    for (const h of holdout) truth[h] = (truth[h] + 1) % 3;
    const r = simulateRun({ data: { ...data, truth }, holdout, strategy: 'auto', seed: 6, batch: 10, budget: 1000 });
    for (const [, acc] of r.curve) expect(acc).toBe(0);
    // And with the true classes the same run learns the blobs.
    const fair = simulateRun({ data, holdout, strategy: 'auto', seed: 6, batch: 10, budget: 30 });
    expect(fair.curve[fair.curve.length - 1][1]).toBe(1);
  });

  it('never picks a row without a known label', () => {
    const truth = Int32Array.from(data.truth);
    for (let i = 0; i < truth.length; i += 3) truth[i] = -1;
    const r = simulateRun({ data: { ...data, truth }, holdout: drawHoldout({ truth }, 0.25, 1), strategy: 'margin', seed: 1, batch: 10, budget: 1000 });
    for (const p of r.picked) expect(truth[p]).toBeGreaterThanOrEqual(0);
  });

  it('starts from seeded random labels shared by every strategy when asked', () => {
    const start = { kind: 'random' as const, count: 4 };
    const a = run('margin', 2, { start });
    const b = run('auto', 2, { start });
    expect(a.curve.map(([l]) => l)).toEqual([4, 9, 14, 19, 20]);
    expect(Array.from(a.picked.slice(0, 4))).toEqual(Array.from(b.picked.slice(0, 4)));
  });

  it('lets auto cover every blob with its first batch (cluster-stratified cold start)', () => {
    const r = simulateRun({ data, holdout: holdoutOf(1), strategy: 'auto', seed: 1, batch: 3, budget: 3 });
    expect(new Set(Array.from(r.picked, (i) => data.truth[i])).size).toBe(3);
  });

  it('refuses a budget below the batch', () => {
    expect(() => run('random', 1, { budget: 4 })).toThrow(/budget \(4\) must be at least the batch \(5\)/);
  });
});
