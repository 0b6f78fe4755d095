import { describe, expect, it } from 'vitest';
import { boostRanking, pinnedFirst, splitControls } from '../../../lib/queue/controls';
import { dealBatch } from '../../../lib/queue/deal';
import type { RankingView } from '../../../lib/queue/input';
import type { Assignment } from '../../../lib/queue/streams';
import { dealInput, ints, itemsOf, settings } from './fixtures';

const ranking = (score: number[]): RankingView => {
  const s = Float32Array.from(score);
  const order = Array.from(s.keys()).filter((i) => !Number.isNaN(s[i])).sort((a, b) => s[b] - s[a] || a - b);
  return { version: 1, strategy: 'margin', score: s, predicted: new Int32Array(s.length), confidence: new Float32Array(s.length).fill(0.5), byScore: Int32Array.from(order) };
};

const dealt = (items: number[]): Assignment[] => items.map((item) => ({ item, stream: { kind: 'cold', method: 'random' }, score: null, rankingVersion: null }));

describe('splitControls', () => {
  it('sorts control rows into pinned (oldest first), boosted and excluded', () => {
    const c = splitControls([{ item: 4, action: 'pin' }, { item: 2, action: 'exclude' }, { item: 1, action: 'pin' }, { item: 3, action: 'boost' }]);
    expect([...c.pinned]).toEqual([4, 1]);
    expect([...c.boosted]).toEqual([3]);
    expect([...c.excluded]).toEqual([2]);
  });
});

describe('boostRanking', () => {
  it('puts boosted items ahead of every other ranked item, keeping their own order', () => {
    const r = ranking([0.9, 0.1, 0.5, 0.2, 0.8]);
    const b = boostRanking(r, ints([3, 1]));
    expect([...b.byScore!]).toEqual([3, 1, 0, 4, 2]);
    expect(b.score[3]).toBeGreaterThan(b.score[0]);
    expect(b.score[1]).toBeGreaterThan(b.score[0]);
    expect(b.score[3]).toBeGreaterThan(b.score[1]);
  });

  it('leaves the input untouched and returns it as is when nothing ranked is boosted', () => {
    const r = ranking([0.9, NaN, 0.5]);
    const before = Array.from(r.score);
    expect(boostRanking(r, ints([1]))).toBe(r);
    boostRanking(r, ints([2]));
    expect(Array.from(r.score)).toEqual(before);
  });

  it('makes the uncertain stream deal a boosted low-ranked item first', () => {
    const input = dealInput(300, 3, { settings: settings({ easyShare: 0, holdoutShare: 0, diversity: 'rank' }) });
    const r = input.ranking!;
    let worst = 0;
    for (let i = 0; i < r.score.length; i++) if (r.score[i] < r.score[worst]) worst = i;
    expect(itemsOf(dealBatch(input))).not.toContain(worst);
    const boosted = dealBatch({ ...input, ranking: boostRanking(r, ints([worst])) });
    expect(itemsOf(boosted)[0]).toBe(worst);
  });
});

describe('pinnedFirst', () => {
  it('deals open pinned items first, oldest pin first, and keeps the batch at its size', () => {
    const out = pinnedFirst(dealt([10, 11, 12, 13]), ints([7, 5]), () => true, 4);
    expect(out.pinned).toEqual([7, 5]);
    expect(out.rest.map((a) => a.item)).toEqual([10, 11]);
  });

  it('skips pinned items the annotator may not have now (held, labeled, excluded)', () => {
    const out = pinnedFirst(dealt([10, 11]), ints([7, 5, 6]), (i) => i !== 5, 2);
    expect(out.pinned).toEqual([7, 6]);
    expect(out.rest).toEqual([]);
  });

  it('does not repeat a pinned item the batch also dealt', () => {
    const out = pinnedFirst(dealt([5, 10, 11]), ints([5]), () => true, 3);
    expect(out.pinned).toEqual([5]);
    expect(out.rest.map((a) => a.item)).toEqual([10, 11]);
  });

  it('takes no more pins than wanted', () => {
    expect(pinnedFirst(dealt([1]), ints([7, 8, 9]), () => true, 2).pinned).toEqual([7, 8]);
    expect(pinnedFirst(dealt([1]), ints([7]), () => true, 0)).toEqual({ pinned: [], rest: [] });
  });
});
