import { describe, expect, it } from 'vitest';
import { pickHoldout } from '../../../lib/queue/holdout';
import { buildPool } from '../../../lib/queue/pool';
import { ints, settings } from './fixtures';

/** 3 groups of holdout items: group 10 = items 0–5, group 20 = items 6–8, group 30 = item 9; items 10–19 are pool items. */
const holdout = { item: ints(Array.from({ length: 10 }, (_, i) => i)), group: ints([10, 10, 10, 10, 10, 10, 20, 20, 20, 30]) };

const poolOf = (over: Record<string, unknown> = {}) => buildPool({ n: 20, trusted: true, settings: settings(), seed: 1, holdout, ...over });

describe('pickHoldout', () => {
  it('spreads picks over groups before taking a second item of any group', () => {
    const picks = pickHoldout(poolOf(), holdout, 3, 1);
    expect(picks.map((p) => p.group).sort()).toEqual([10, 20, 30]);
    for (const p of picks) expect(holdout.group[p.item]).toBe(p.group);
  });

  it('goes to the group with the fewest items labeled or held so far', () => {
    // Group 10 has two labeled items, group 20 one held, group 30 none left: next picks are 20, then 10 and 20 alike.
    const pool = poolOf({ labeled: { item: ints([0, 1]), count: ints([1, 1]) }, held: { item: ints([6, 9]), by: ints([2, 3]) } });
    const picks = pickHoldout(pool, holdout, 2, 4);
    expect(picks[0].group).toBe(20);
    expect(picks.map((p) => p.item)).not.toContain(9);
  });

  it('never deals a labeled, held or own holdout item, nor a pool item, and stops when none is left', () => {
    const pool = poolOf({ labeled: { item: ints([0, 1, 2]), count: ints([1, 1, 1]) }, held: { item: ints([3]), by: ints([5]) }, mine: ints([4, 6]) });
    const picks = pickHoldout(pool, holdout, 10, 1).map((p) => p.item).sort((a, b) => a - b);
    expect(picks).toEqual([5, 7, 8, 9]);
  });

  it('is seeded: the same seed gives the same picks, different seeds vary the item within a group', () => {
    expect(pickHoldout(poolOf(), holdout, 5, 9)).toEqual(pickHoldout(poolOf(), holdout, 5, 9));
    const firsts = new Set<number>();
    for (let s = 0; s < 40; s++) firsts.add(pickHoldout(poolOf(), holdout, 6, s).find((p) => p.group === 10)!.item);
    expect(firsts.size).toBeGreaterThan(3);
  });
});
