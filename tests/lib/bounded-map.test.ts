import { describe, expect, it } from 'vitest';
import { setBounded } from '../../lib/bounded-map';

describe('a bounded map', () => {
  it('drops the oldest entry when full, and a key set again counts as new', () => {
    const m = new Map<string, number>();
    for (const k of ['a', 'b', 'c']) setBounded(m, k, 1, 3);
    setBounded(m, 'a', 2, 3); // a is now the newest
    setBounded(m, 'd', 1, 3);
    expect([...m.keys()]).toEqual(['c', 'a', 'd']);
    expect(m.get('a')).toBe(2);
  });

  it('drops what may go before the oldest when full', () => {
    const m = new Map<string, number>([['a', 1], ['b', 0], ['c', 0]]);
    setBounded(m, 'd', 1, 3, (v) => v === 0);
    expect([...m.keys()]).toEqual(['a', 'd']);
  });
});
