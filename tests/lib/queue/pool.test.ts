import { describe, expect, it } from 'vitest';
import { blockItem, buildPool, withPool, ROLE_EXCLUDED, ROLE_GOLD, ROLE_HOLDOUT, ROLE_POOL } from '../../../lib/queue/pool';
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

describe('withPool', () => {
  const snapshot = (p: ReturnType<typeof buildPool>) => ({
    blocked: Array.from(p.blocked), labels: Array.from(p.labels), heldBy: Array.from(p.heldBy), mine: Array.from(p.mine), role: Array.from(p.role), held: Array.from(p.held),
  });
  const busy = {
    ...base, labeled: { item: ints([0, 1]), count: ints([2, 1]) }, held: { item: ints([2, 3]), by: ints([4, 5]) }, mine: ints([4]), fresh: ints([5]),
    gold: ints([6]), holdout: { item: ints([7, 8]), group: ints([0, 1]) }, excluded: ints([9]),
  };
  const quiet = { ...base, holdout: busy.holdout, labeled: { item: ints([3]), count: ints([1]) } };

  it('gives each deal the pool buildPool would, whatever the deal before it left in the reused block', () => {
    withPool(busy, (p) => expect(snapshot(p)).toEqual(snapshot(buildPool(busy))));
    withPool(quiet, (p) => expect(snapshot(p)).toEqual(snapshot(buildPool(quiet))));
    // The same holdout list with a gold list now: the fixed roles are not the cached ones.
    const withGold = { ...quiet, gold: ints([8]) };
    withPool(withGold, (p) => expect(p.role[8]).toBe(ROLE_GOLD));
    withPool(quiet, (p) => expect(p.role[8]).toBe(ROLE_HOLDOUT));
  });

  it('puts back every item a deal wrote, those it blocked while it ran too, when the next deal has the same fixed roles', () => {
    const sameRoles = { ...quiet, gold: busy.gold };
    withPool(busy, (p) => {
      blockItem(p, 0);
      blockItem(p, 7);
      expect(p.blocked[0]).toBe(1);
    });
    withPool(sameRoles, (p) => expect(snapshot(p)).toEqual(snapshot(buildPool(sameRoles))));
    withPool(busy, (p) => expect(snapshot(p)).toEqual(snapshot(buildPool(busy))));
    withPool(sameRoles, (p) => expect(snapshot(p)).toEqual(snapshot(buildPool(sameRoles))));
  });

  it('gives a deal inside a deal a block of its own', () => {
    withPool(busy, (outer) => {
      const before = snapshot(outer);
      withPool(quiet, (inner) => expect(snapshot(inner)).toEqual(snapshot(buildPool(quiet))));
      expect(snapshot(outer)).toEqual(before);
    });
  });

  it('reuses one block from deal to deal, also after a deal that threw', () => {
    let first: ArrayBufferLike | undefined;
    withPool(quiet, (p) => { first = p.blocked.buffer; });
    expect(() => withPool(busy, () => { throw new Error('boom'); })).toThrow('boom');
    withPool(quiet, (p) => {
      expect(p.blocked.buffer).toBe(first);
      expect(snapshot(p)).toEqual(snapshot(buildPool(quiet)));
    });
  });

  it('checks a holdout list against the pool size it is used with', () => {
    const holdout = { item: ints([1]), group: ints([0]) };
    withPool({ ...base, holdout }, () => {});
    expect(() => withPool({ ...base, n: 1, holdout }, () => {})).toThrow(/holdout has item 1/);
  });
});

