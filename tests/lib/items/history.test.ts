import { describe, expect, it } from 'vitest';
import { itemHistory, type VersionInput } from '../../../lib/items/history';

const v = (id: number, over: Partial<VersionInput> = {}): VersionInput => ({ id, action: 'label', source: 'human', userId: 1, retracts: null, ...over });

describe('an item\'s history', () => {
  it('says a retract replaced the version it takes back, which no longer stands', () => {
    const h = itemHistory([v(1), v(2, { action: 'retract', retracts: 1 })]);
    expect(h.map((e) => [e.version.id, e.replaces, e.standing, e.resolved])).toEqual([[1, null, false, false], [2, 1, false, false]]);
  });

  it('says an annotator\'s redo replaced their own answer they took back', () => {
    const h = itemHistory([v(1), v(2, { action: 'retract', retracts: 1 }), v(3)]);
    expect(h[2]).toMatchObject({ replaces: 1, standing: true, resolved: true });
  });

  it('says a second annotator\'s answer replaced nothing: both stand', () => {
    const h = itemHistory([v(1, { userId: 1 }), v(2, { userId: 2 })]);
    expect(h.map((e) => [e.replaces, e.standing])).toEqual([[null, true], [null, true]]);
    expect(h.filter((e) => e.resolved).map((e) => e.version.id)).toEqual([2]);
  });

  it('says a lead\'s decision replaced what the item resolved to before it, and is what it resolves to now', () => {
    const h = itemHistory([v(1, { userId: 1 }), v(2, { userId: 2 }), v(3, { source: 'consensus', userId: null }), v(4, { source: 'review', userId: 9 })]);
    expect(h.map((e) => e.replaces)).toEqual([null, null, 2, 3]);
    expect(h.filter((e) => e.resolved).map((e) => e.version.id)).toEqual([4]);
  });

  it('keeps a lead\'s decision resolved over a newer consensus and a newer answer', () => {
    const h = itemHistory([v(1), v(2, { source: 'review', userId: 9 }), v(3, { source: 'consensus', userId: null }), v(4, { userId: 3 })]);
    expect(h.filter((e) => e.resolved).map((e) => e.version.id)).toEqual([2]);
    expect(h[2].replaces).toBe(2);
  });

  it('orders versions by id whatever order they come in, and never resolves to a model\'s version', () => {
    const h = itemHistory([v(5, { source: 'model', userId: null }), v(2)]);
    expect(h.map((e) => e.version.id)).toEqual([2, 5]);
    expect(h.filter((e) => e.resolved).map((e) => e.version.id)).toEqual([2]);
  });
});
