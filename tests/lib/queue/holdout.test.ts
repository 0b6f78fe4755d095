import { describe, expect, it } from 'vitest';
import { indexHoldout, pickHoldout, pickHoldoutIndexed } from '../../../lib/queue/holdout';
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

/** Replays picks against the rule: each goes to a group whose coverage is the lowest among groups with a free item. */
function expectLeastCovered(pool: ReturnType<typeof poolOf>, picks: { item: number; group: number }[]): void {
  const coverage = new Map<number, number>();
  const free = new Map<number, Set<number>>();
  for (let j = 0; j < holdout.item.length; j++) {
    const i = holdout.item[j];
    const g = holdout.group[j];
    if (!free.has(g)) free.set(g, new Set());
    if (pool.role[i] !== 2) continue;
    if (pool.labels[i] !== 0 || pool.heldBy[i] !== 0 || pool.mine[i] !== 0) coverage.set(g, (coverage.get(g) ?? 0) + 1);
    else free.get(g)!.add(i);
  }
  for (const p of picks) {
    const open = [...free.entries()].filter(([, f]) => f.size > 0).map(([g]) => coverage.get(g) ?? 0);
    expect(coverage.get(p.group) ?? 0).toBe(Math.min(...open));
    expect(free.get(p.group)!.delete(p.item)).toBe(true);
    coverage.set(p.group, (coverage.get(p.group) ?? 0) + 1);
  }
}

describe('pickHoldoutIndexed (the precomputed holdout of a pool view)', () => {
  const index = indexHoldout(holdout, 20);
  const states: Record<string, unknown>[] = [
    {},
    { labeled: { item: ints([0, 1]), count: ints([1, 1]) }, held: { item: ints([6, 9]), by: ints([2, 3]) } },
    { labeled: { item: ints([0, 1, 2]), count: ints([1, 1, 1]) }, held: { item: ints([3]), by: ints([5]) }, mine: ints([4, 6]) },
    { gold: ints([7]), excluded: ints([8, 9]) },
  ];

  it('lays every holdout item out once, grouped, whatever the input order', () => {
    expect(Array.from(index.items).sort((a, b) => a - b)).toEqual(Array.from(holdout.item));
    for (let g = 0; g < index.key.length; g++) {
      for (let j = index.start[g]; j < index.start[g + 1]; j++) expect(holdout.group[index.items[j]]).toBe(index.key[g]);
    }
    expect(index.pos[15]).toBe(-1);
  });

  it('follows the same rule as the plain pick: same groups level by level, only free holdout items', () => {
    for (const over of states) {
      const pool = poolOf(over);
      for (let seed = 0; seed < 20; seed++) {
        for (const want of [1, 3, 10]) {
          const plain = pickHoldout(pool, holdout, want, seed);
          const fast = pickHoldoutIndexed(pool, index, want, seed);
          // Same number of picks, each (in order) to a least covered group with a free item left …
          expect(fast.length).toBe(plain.length);
          expectLeastCovered(pool, fast);
          expectLeastCovered(pool, plain);
          // … and every pick a distinct free holdout item of its group.
          expect(new Set(fast.map((p) => p.item)).size).toBe(fast.length);
          for (const p of fast) {
            expect(holdout.group[p.item]).toBe(p.group);
            expect(pool.role[p.item] === 2 && pool.labels[p.item] === 0 && pool.heldBy[p.item] === 0 && pool.mine[p.item] === 0).toBe(true);
          }
        }
      }
    }
  });

  it('spreads over groups first and goes to the least covered group, as the plain pick', () => {
    expect(pickHoldoutIndexed(poolOf(), index, 3, 1).map((p) => p.group).sort()).toEqual([10, 20, 30]);
    const pool = poolOf({ labeled: { item: ints([0, 1]), count: ints([1, 1]) }, held: { item: ints([6, 9]), by: ints([2, 3]) } });
    expect(pickHoldoutIndexed(pool, index, 1, 4)[0].group).toBe(20);
  });

  it('is seeded: same seed same picks; seeds vary the group order and the item within a group', () => {
    expect(pickHoldoutIndexed(poolOf(), index, 5, 9)).toEqual(pickHoldoutIndexed(poolOf(), index, 5, 9));
    const firsts = new Set<number>();
    const leads = new Set<number>();
    for (let s = 0; s < 40; s++) {
      const picks = pickHoldoutIndexed(poolOf(), index, 6, s);
      firsts.add(picks.find((p) => p.group === 10)!.item);
      leads.add(picks[0].group);
    }
    expect(firsts.size).toBeGreaterThan(3);
    expect(leads.size).toBe(3);
  });

  it('walks only a few groups when most are untouched (10,000 one-item groups: the first picks cost no pass)', () => {
    const n = 100_000;
    const big = { item: ints(Array.from({ length: 10_000 }, (_, j) => j * 10)), group: ints(Array.from({ length: 10_000 }, (_, j) => j)) };
    const idx = indexHoldout(big, n);
    const pool = buildPool({ n, trusted: true, settings: settings(), seed: 1, holdout: big, labeled: { item: ints([0, 10, 20]), count: ints([1, 1, 1]) } });
    const picks = pickHoldoutIndexed(pool, idx, 8, 3);
    expect(picks).toHaveLength(8);
    for (const p of picks) expect([0, 10, 20]).not.toContain(p.item);
  });
});
