import { describe, expect, it } from 'vitest';
import { pickOverlap } from '../../../lib/queue/overlap';
import { buildPool } from '../../../lib/queue/pool';
import { ints, settings } from './fixtures';

const base = { n: 20, trusted: true, settings: settings(), seed: 1 };

describe('pickOverlap', () => {
  it('deals items others labeled fewer than k times, finishing the fullest sets first', () => {
    const labeled = { item: ints([0, 1, 2, 3]), count: ints([1, 2, 3, 1]) };
    const pool = buildPool({ ...base, labeled });
    const picks = pickOverlap(pool, labeled.item, 3, 10, 1);
    // Item 2 has its 3 labels; item 1 (2 labels) comes before 0 and 3 (1 label each).
    expect(picks[0]).toEqual({ item: 1, labelsBefore: 2, targetK: 3 });
    expect(picks.map((p) => p.item).sort()).toEqual([0, 1, 3]);
  });

  it('never re-deals an item to an annotator who labeled, skipped or holds it', () => {
    const labeled = { item: ints([0, 1]), count: ints([1, 1]) };
    const picks = pickOverlap(buildPool({ ...base, labeled, mine: ints([0]) }), labeled.item, 2, 10, 1);
    expect(picks.map((p) => p.item)).toEqual([1]);
  });

  it('counts leases of others toward k and puts items nobody holds first', () => {
    const labeled = { item: ints([0, 1, 2]), count: ints([1, 1, 1]) };
    const held = { item: ints([0, 1]), by: ints([7, 8]) };
    // k = 2: items 0 and 1 are already with a second annotator.
    expect(pickOverlap(buildPool({ ...base, labeled, held }), labeled.item, 2, 10, 1).map((p) => p.item)).toEqual([2]);
    // k = 3: all qualify, the unheld one first.
    expect(pickOverlap(buildPool({ ...base, labeled, held }), labeled.item, 3, 10, 1)[0].item).toBe(2);
  });

  it('leaves gold and holdout items to their own streams', () => {
    const labeled = { item: ints([0, 1, 2]), count: ints([1, 1, 1]) };
    const pool = buildPool({ ...base, labeled, gold: ints([0]), holdout: { item: ints([1]), group: ints([0]) } });
    expect(pickOverlap(pool, labeled.item, 2, 10, 1).map((p) => p.item)).toEqual([2]);
  });

  it('picks at random among equals, deterministically for a seed', () => {
    const labeled = { item: ints(Array.from({ length: 15 }, (_, i) => i)), count: ints(Array(15).fill(1)) };
    const pool = buildPool({ ...base, labeled });
    expect(pickOverlap(pool, labeled.item, 2, 3, 4)).toEqual(pickOverlap(pool, labeled.item, 2, 3, 4));
    const firsts = new Set(Array.from({ length: 20 }, (_, s) => pickOverlap(pool, labeled.item, 2, 1, s)[0].item));
    expect(firsts.size).toBeGreaterThan(5);
  });

  it('deals an item whose k answers disagree to tieBreak more annotators, first, and no further', () => {
    const labeled = { item: ints([0, 1, 2]), count: ints([2, 1, 3]) };
    const pool = buildPool({ ...base, labeled });
    // k = 2: item 0 has its two answers, but they disagree, so a third annotator gets it before the half-done item 1.
    const picks = pickOverlap(pool, labeled.item, 2, 10, 1, { disputed: ints([0, 2]), extra: 1 });
    expect(picks).toEqual([{ item: 0, labelsBefore: 2, targetK: 3 }, { item: 1, labelsBefore: 1, targetK: 2 }]);
    // Item 2 already has three answers: one tie-break is spent. Without a tie-break, a dispute waits for the lead.
    expect(pickOverlap(pool, labeled.item, 2, 10, 1, { disputed: ints([0, 2]), extra: 0 }).map((p) => p.item)).toEqual([1]);
    expect(pickOverlap(pool, labeled.item, 2, 10, 1, { disputed: ints([0, 2]), extra: 2 }).map((p) => p.item)).toEqual([2, 0, 1]);
  });
});
