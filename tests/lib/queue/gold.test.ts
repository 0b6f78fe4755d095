import { describe, expect, it } from 'vitest';
import { pickGold } from '../../../lib/queue/gold';
import { buildPool } from '../../../lib/queue/pool';
import { ints, settings } from './fixtures';

const base = { n: 20, trusted: true, settings: settings(), seed: 1 };

describe('pickGold', () => {
  it('deals gold items this annotator has not seen, even while others hold or labeled them', () => {
    const gold = ints([1, 2, 3, 4]);
    const pool = buildPool({ ...base, gold, mine: ints([2]), held: { item: ints([3]), by: ints([9]) }, labeled: { item: ints([4]), count: ints([2]) } });
    expect(Array.from(pickGold(pool, gold, 10, 1)).sort()).toEqual([1, 3, 4]);
  });

  it('leaves out excluded gold items and returns none when the annotator has seen them all', () => {
    const gold = ints([1, 2]);
    expect(Array.from(pickGold(buildPool({ ...base, gold, excluded: ints([1]) }), gold, 5, 1))).toEqual([2]);
    expect(pickGold(buildPool({ ...base, gold, mine: ints([1, 2]) }), gold, 5, 1).length).toBe(0);
  });

  it('orders gold items at random, the same for a seed', () => {
    const gold = ints(Array.from({ length: 20 }, (_, i) => i));
    const pool = buildPool({ ...base, gold });
    expect(pickGold(pool, gold, 3, 8)).toEqual(pickGold(pool, gold, 3, 8));
    expect(new Set(Array.from({ length: 20 }, (_, s) => pickGold(pool, gold, 1, s)[0])).size).toBeGreaterThan(5);
  });
});
