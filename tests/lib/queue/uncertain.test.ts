import { describe, expect, it } from 'vitest';
import type { Embeddings } from '../../../lib/al/types';
import { shortlistSpacing } from '../../../lib/queue/spacing';
import { pickUncertain, WIDEN_LIMIT, type UncertainOptions } from '../../../lib/queue/uncertain';
import { ints } from './fixtures';

/** One-dimensional points: item i sits at xs[i]. */
const line = (xs: number[]): Embeddings => ({ n: xs.length, d: 1, data: Float32Array.from(xs) });

/** 100 items at x = i, scores falling with the index (item 0 ranks first). */
function spreadPool() {
  const xs = Array.from({ length: 100 }, (_, i) => i * 1.5);
  const score = Float32Array.from(xs, (_, i) => 1 - i / 100);
  return { xs, score };
}

const opts = (n: number, over: Partial<UncertainOptions> = {}): UncertainOptions => ({
  want: 5, exclude: new Uint8Array(n), held: ints([]), fresh: ints([]), diversity: 'spaced', factor: 10, ...over,
});

describe('pickUncertain', () => {
  it('refuses near-copies of an item another annotator holds, even where spacedTopK alone would fill with them', () => {
    const { xs, score } = spreadPool();
    // Item 0 is held; items 1–3 are near-copies of it and rank right behind it.
    xs[1] = 0.01;
    xs[2] = 0.02;
    xs[3] = 0.03;
    const exclude = new Uint8Array(100);
    exclude[0] = 1;
    const picks = Array.from(pickUncertain(score, line(xs), opts(100, { exclude, held: ints([0]) })).indices);
    expect(picks).toHaveLength(5);
    for (const i of [1, 2, 3]) expect(picks).not.toContain(i);
    // In rank mode too: the team rule does not depend on within-batch spreading.
    const ranked = Array.from(pickUncertain(score, line(xs), opts(100, { exclude, held: ints([0]), diversity: 'rank' })).indices);
    expect(ranked).toEqual([4, 5, 6, 7, 8]);
  });

  it('keeps every pick farther than the near-copy threshold from every held item (random pools)', () => {
    for (let t = 0; t < 30; t++) {
      const n = 400;
      const data = new Float32Array(n * 2);
      let s = t * 7919 + 1;
      const rnd = () => ((s = (s * 48271) % 2147483647) / 2147483647);
      for (let i = 0; i < data.length; i++) data[i] = rnd() * 10;
      const emb = { n, d: 2, data };
      const score = Float32Array.from({ length: n }, () => rnd());
      const held = ints(Array.from({ length: 15 }, (_, j) => (j * 37 + t) % n));
      const exclude = new Uint8Array(n);
      for (const h of held) exclude[h] = 1;
      const o = opts(n, { want: 8, exclude, held });
      // The threshold is the one of the first shortlist (the 80 best free items) among the held items.
      const first = Array.from(score.keys()).filter((i) => !exclude[i]).sort((a, b) => score[b] - score[a] || a - b).slice(0, 80);
      const tau = shortlistSpacing(emb, first, held);
      const picks = pickUncertain(score, emb, o).indices;
      expect(picks.length).toBe(8);
      for (const i of picks) {
        for (const h of held) {
          const dd = (data[2 * i] - data[2 * h]) ** 2 + (data[2 * i + 1] - data[2 * h + 1]) ** 2;
          expect(dd).toBeGreaterThan(tau);
        }
      }
    }
  });

  it('widens the shortlist when copies of held items fill it', () => {
    // 60 copies of the held item 0 take the whole first shortlist (factor 10 × want 2 = 20).
    const xs = Array.from({ length: 200 }, (_, i) => (i <= 60 ? 0 : i));
    const score = Float32Array.from(xs, (_, i) => 1 - i / 200);
    const exclude = new Uint8Array(200);
    exclude[0] = 1;
    const picks = Array.from(pickUncertain(score, line(xs), opts(200, { want: 2, exclude, held: ints([0]) })).indices);
    expect(picks.length).toBe(2);
    for (const i of picks) expect(i).toBeGreaterThan(60);
  });

  it('keeps its picks at the top of the ranking when the team holds many more items than the shortlist', () => {
    // 50 annotators × 10 held items against a shortlist of 70: measured by the shortlist's own
    // spacing, nearly every item would have a held item "that close" and be refused.
    for (let t = 0; t < 5; t++) {
      const n = 5000;
      const data = new Float32Array(n * 2);
      let s = t * 104729 + 3;
      const rnd = () => ((s = (s * 48271) % 2147483647) / 2147483647);
      for (let i = 0; i < data.length; i++) data[i] = rnd() * 10;
      const emb = { n, d: 2, data };
      const score = Float32Array.from({ length: n }, () => rnd());
      const held = ints(Array.from({ length: 500 }, (_, j) => (j * 9 + t) % n));
      const exclude = new Uint8Array(n);
      for (const h of held) exclude[h] = 1;
      const first = Array.from(score.keys()).filter((i) => !exclude[i]).sort((a, b) => score[b] - score[a] || a - b).slice(0, 70);
      const picks = Array.from(pickUncertain(score, emb, opts(n, { want: 7, exclude, held, diversity: 'rank' })).indices);
      expect(picks).toHaveLength(7);
      // At most about half of the first shortlist is refused, so the picks never leave it.
      for (const i of picks) expect(first).toContain(i);
      const tau = shortlistSpacing(emb, first, held);
      const refused = first.filter((i) => Array.from(held).some((h) => (data[2 * i] - data[2 * h]) ** 2 + (data[2 * i + 1] - data[2 * h + 1]) ** 2 <= tau));
      expect(refused.length).toBeLessThanOrEqual(35);
    }
  });

  it(`stops widening after ${WIDEN_LIMIT} shortlists' worth of copies once it has a batch`, () => {
    // want 2 × factor 10: the shortlist is 20, the limit 320 tested items. Items 1–1,999 copy
    // the held item 0 except 100 and 200 (near it, not copies); 400–419 lie far away. The two
    // found within the limit are the batch: the shortlist does not widen on to reach 400–419.
    const xs = Array.from({ length: 2000 }, (_, i) => (i === 100 ? 5 : i === 200 ? 6 : i >= 400 && i < 420 ? i : 0));
    const score = Float32Array.from(xs, (_, i) => 1 - i / 2000);
    const exclude = new Uint8Array(2000);
    exclude[0] = 1;
    const picks = Array.from(pickUncertain(score, line(xs), opts(2000, { want: 2, exclude, held: ints([0]), diversity: 'kcenter' })).indices);
    expect(picks.sort((a, b) => a - b)).toEqual([100, 200]);
    // With only one found within the limit it widens on: a short batch is worse than a slow one.
    xs[200] = 0;
    const more = Array.from(pickUncertain(score, line(xs), opts(2000, { want: 2, exclude, held: ints([0]), diversity: 'kcenter' })).indices);
    expect(more).toHaveLength(2);
    expect(more.every((i) => xs[i] !== 0)).toBe(true);
    expect(more.some((i) => i >= 400)).toBe(true);
  });

  it('returns fewer items, never copies, when nearly every free item is a copy of a held one', () => {
    const xs = Array.from({ length: 30 }, (_, i) => (i < 28 ? 0 : 100 + 10 * i));
    const score = Float32Array.from(xs, (_, i) => 1 - i / 30);
    const exclude = new Uint8Array(30);
    exclude[0] = 1;
    const picks = Array.from(pickUncertain(score, line(xs), opts(30, { want: 5, factor: 2, exclude, held: ints([0]) })).indices);
    expect(picks.sort((a, b) => a - b)).toEqual([28, 29]);
  });

  it('takes one of a group of copies, not ten copies of one confusion', () => {
    // Items 0–9 are copies of each other and rank first; the rest are spread out.
    const xs = Array.from({ length: 100 }, (_, i) => (i < 10 ? 0 : i * 1.5));
    const score = Float32Array.from(xs, (_, i) => 1 - i / 100);
    const picks = Array.from(pickUncertain(score, line(xs), opts(100, { want: 5 })).indices);
    expect(picks).toHaveLength(5);
    expect(picks.filter((i) => i < 10)).toEqual([0]);
  });

  it('spreads a batch over distinct groups with k-center', () => {
    // Three tight groups; the 20 best scores all sit in group A.
    const xs = [...Array.from({ length: 20 }, (_, i) => i * 0.01), ...Array.from({ length: 20 }, (_, i) => 50 + i * 0.01), ...Array.from({ length: 20 }, (_, i) => 100 + i * 0.01)];
    const score = Float32Array.from(xs, (_, i) => (i < 20 ? 1 - i / 100 : 0.7 - (i % 20) / 100));
    const picks = Array.from(pickUncertain(score, line(xs), opts(60, { want: 3, diversity: 'kcenter' })).indices);
    expect(new Set(picks.map((i) => Math.floor(i / 20))).size).toBe(3);
  });

  it('keeps away from items labeled since the ranking (fresh) while others are left', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i * 1.5);
    xs[1] = 0.001; // a near-copy of the fresh item 0
    const score = Float32Array.from(xs, (_, i) => 1 - i / 100);
    const exclude = new Uint8Array(100);
    exclude[0] = 1;
    const picks = Array.from(pickUncertain(score, line(xs), opts(100, { exclude, fresh: ints([0]) })).indices);
    expect(picks).not.toContain(1);
  });

  it('uses k-center with held and fresh items as centres when asked', () => {
    const { xs, score } = spreadPool();
    const exclude = new Uint8Array(100);
    exclude[0] = 1;
    const picks = pickUncertain(score, line(xs), opts(100, { exclude, held: ints([0]), diversity: 'kcenter' })).indices;
    expect(new Set(picks).size).toBe(5);
    // Item 1 lies within τ (one spacing) of the held item 0, so the shortlist is items 2–51,
    // and farthest-first from item 0 starts at its far end.
    expect(picks[0]).toBe(51);
    expect(Array.from(picks)).not.toContain(1);
  });

  it('follows rank order without embeddings', () => {
    const { score } = spreadPool();
    const exclude = new Uint8Array(100);
    exclude[2] = 1;
    expect(Array.from(pickUncertain(score, undefined, opts(100, { exclude, held: ints([1]) })).indices)).toEqual([0, 1, 3, 4, 5]);
  });
});
