import { describe, expect, it } from 'vitest';
import { buildPool, ROLE_EXCLUDED, ROLE_GOLD, ROLE_HOLDOUT, ROLE_POOL } from '../../../lib/queue/pool';
import { ints, settings } from './fixtures';

const base = { n: 10, trusted: true, settings: settings(), seed: 1 };

describe('buildPool', () => {
  it('blocks labeled, held, own, fresh, gold, holdout and excluded items for the main streams, and nothing else', () => {
    const p = buildPool({
      ...base,
      labeled: { item: ints([0]), count: ints([1]) }, held: { item: ints([1]), by: ints([4]) }, mine: ints([2]), fresh: ints([3]),
      gold: ints([4]), holdout: { item: ints([5]), group: ints([0]) }, excluded: ints([6]),
    });
    expect(Array.from(p.blocked, (b) => (b ? 1 : 0))).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
  });

  it('lets exclusion beat gold and gold beat holdout', () => {
    const p = buildPool({ ...base, gold: ints([1, 2]), holdout: { item: ints([1, 3]), group: ints([0, 0]) }, excluded: ints([2]) });
    expect(Array.from(p.role.subarray(0, 4))).toEqual([ROLE_POOL, ROLE_GOLD, ROLE_EXCLUDED, ROLE_HOLDOUT]);
  });

  it('counts labels and holders per item, lists each held item once, and saturates at 255', () => {
    const p = buildPool({ ...base, labeled: { item: ints([0, 0, 1]), count: ints([1, 2, 300]) }, held: { item: ints([5, 5, 6]), by: ints([1, 2, 3]) } });
    expect(p.labels[0]).toBe(3);
    expect(p.labels[1]).toBe(255);
    expect(p.heldBy[5]).toBe(2);
    expect(Array.from(p.held)).toEqual([5, 6]);
  });

  it('rejects indices outside the pool and lists of unequal length', () => {
    expect(() => buildPool({ ...base, gold: ints([10]) })).toThrow(/gold has item 10, outside the pool \[0, 10\)/);
    expect(() => buildPool({ ...base, labeled: { item: ints([1]), count: ints([]) } })).toThrow(/labeled has 1 items but 0 counts/);
    expect(() => buildPool({ ...base, n: -1 })).toThrow(/pool size/);
  });
});
