import { describe, expect, it } from 'vitest';
import { planSlots, type PlanInput, type SpecialKind } from '../../../lib/queue/plan';
import { isHard, type StreamKind } from '../../../lib/queue/streams';
import { longestRun } from './fixtures';

const plenty = { gold: 1e6, overlap: 1e6, holdout: 1e6, easy: 1e6 };
const none = { gold: 0, overlap: 0, holdout: 0, easy: 0 };

function base(over: Partial<PlanInput> = {}): PlanInput {
  return { slots: 10, main: 'uncertain', shares: { ...none, easy: 0.2 }, capacity: plenty, maxHardInARow: 4, history: [], seed: 1, ...over };
}

/** Plans `batches` batches in a row, each seeing the last `window` streams as history. */
function run(over: Partial<PlanInput>, batches: number, window = 50): StreamKind[] {
  const all: StreamKind[] = [];
  for (let b = 0; b < batches; b++) all.push(...planSlots(base({ ...over, history: all.slice(-window), seed: 1000 + b })));
  return all;
}

const share = (xs: StreamKind[], k: StreamKind) => xs.filter((x) => x === k).length / xs.length;

describe('planSlots', () => {
  it('plans one stream per slot, the main stream where nothing else is due', () => {
    const p = planSlots(base({ shares: none }));
    expect(p).toEqual(Array(10).fill('uncertain'));
    expect(planSlots(base({ main: 'cold', shares: none }))).toEqual(Array(10).fill('cold'));
  });

  it('spaces easy items evenly: exactly 1 in 5 over consecutive batches, never 5 hard in a row', () => {
    const all = run({}, 200);
    expect(share(all, 'easy')).toBeCloseTo(0.2, 2);
    expect(longestRun(all, (k) => k === 'uncertain')).toBe(4);
  });

  it('holds the shares of every stream within tolerance over 1,000 batches (history window 50)', () => {
    const shares = { gold: 0.05, overlap: 0.1, holdout: 0.1, easy: 0.25 };
    const all = run({ shares }, 1000);
    for (const k of Object.keys(shares) as SpecialKind[]) expect(Math.abs(share(all, k) - shares[k])).toBeLessThan(0.01);
  });

  it('gets a fractional per-batch share right on average without any history (the seeded phase)', () => {
    // 0.25 × 10 = 2.5 easy items per batch: independent batches must average 2.5, not 2 or 3.
    let easy = 0;
    for (let b = 0; b < 2000; b++) easy += planSlots(base({ shares: { ...none, easy: 0.25 }, seed: b })).filter((k) => k === 'easy').length;
    expect(easy / 2000).toBeGreaterThan(2.45);
    expect(easy / 2000).toBeLessThan(2.55);
  });

  it('never lets more than K hard items in a row pass, counting the history, across random settings', () => {
    for (let t = 0; t < 200; t++) {
      const K = 1 + (t % 6);
      const shares = { gold: (t % 3) * 0.05, overlap: (t % 4) * 0.05, holdout: (t % 2) * 0.1, easy: 0.05 + (t % 5) * 0.05 };
      const all = run({ shares, maxHardInARow: K, slots: 1 + (t % 12) }, 30, 20);
      expect(longestRun(all, isHard)).toBeLessThanOrEqual(K);
    }
  });

  it('starts a batch with an easy item when the history ends in K hard ones', () => {
    const history: StreamKind[] = ['easy', 'uncertain', 'gold', 'uncertain', 'overlap'];
    expect(planSlots(base({ history, seed: 3 }))[0]).toBe('easy');
    // A holdout item in the history ends the run: no easy item is forced then.
    const broken: StreamKind[] = ['uncertain', 'uncertain', 'holdout', 'uncertain', 'uncertain'];
    expect(planSlots(base({ history: broken, shares: { ...none, easy: 0.01 }, seed: 3 }))[0]).toBe('uncertain');
  });

  it('raises the easy share to what the K rule needs when the share is lower', () => {
    // Share 0.1 but K = 4: one easy item in every 5 is forced.
    const all = run({ shares: { ...none, easy: 0.1 } }, 300);
    expect(share(all, 'easy')).toBeCloseTo(0.2, 2);
  });

  it('turns easy items and the K rule off with an easy share of 0', () => {
    const all = run({ shares: { ...none, easy: 0 } }, 20);
    expect(all.every((k) => k === 'uncertain')).toBe(true);
  });

  it('never plans more of a stream than it can supply, nor more than ⌈share × slots⌉ in one batch', () => {
    const p = planSlots(base({ shares: { ...none, holdout: 0.3, easy: 0.2 }, capacity: { ...plenty, holdout: 1 } }));
    expect(p.filter((k) => k === 'holdout').length).toBe(1);
    // A stream that was missing for the whole history built up a deficit; it comes back at its cap, not all at once.
    const history: StreamKind[] = Array(50).fill('uncertain');
    const q = planSlots(base({ shares: { ...none, gold: 0.1 }, history }));
    expect(q.filter((k) => k === 'gold').length).toBe(1);
  });

  it('ignores the per-batch cap only to honour the K rule', () => {
    const p = planSlots(base({ shares: { ...none, easy: 0.05 }, maxHardInARow: 1, slots: 10 }));
    expect(p.filter((k) => k === 'easy').length).toBe(5);
  });

  it('plans no easy item when none can be supplied, and then lets hard runs through', () => {
    const p = planSlots(base({ capacity: { ...plenty, easy: 0 } }));
    expect(p).toEqual(Array(10).fill('uncertain'));
  });

  it('is deterministic for a seed', () => {
    const input = base({ shares: { gold: 0.1, overlap: 0.1, holdout: 0.1, easy: 0.2 }, seed: 42 });
    expect(planSlots(input)).toEqual(planSlots({ ...input }));
  });
});
