import { describe, expect, it } from 'vitest';
import { hybridSelect, spacedTopK } from '../../../lib/al/hybrid';
import { exclusionMask } from '../../../lib/al/topk';
import { margin } from '../../../lib/al/uncertainty';
import { distinct, line, randomEmb, randomProbs } from './fixtures';

const idx = (s: { indices: Int32Array }) => Array.from(s.indices);

describe('hybridSelect', () => {
  // Two tight groups of uncertain items (x ≈ 0 and x = 10), a confident one far away.
  const emb = line([0, 0.1, 0.2, 10, 10.1, 20, 10.05]);
  const scores = Float32Array.from([0.9, 0.8, 0.7, 0.6, 0.5, 0.1, 0.95]);

  it('spreads a batch over the uncertain shortlist instead of taking near-copies', () => {
    // Shortlist (2 × 2): 6, 0, 1, 2 … item 6 excluded → 0, 1, 2, 3. Start at the most uncertain (0), then the farthest (3).
    const s = hybridSelect(scores, emb, { batch: 2, factor: 2, exclude: exclusionMask(7, Int32Array.of(6)) });
    expect(idx(s)).toEqual([0, 3]);
    expect(Array.from(s.scores)).toEqual([scores[0], scores[3]]);
  });

  it('keeps away from existing centres', () => {
    // Item 6 (x = 10.05) is labeled: 0 is farthest from it, then 2 (0.2 from 0) beats 3 (0.05 from the centre).
    const s = hybridSelect(scores, emb, { batch: 2, factor: 2, exclude: exclusionMask(7, Int32Array.of(6)), centres: Int32Array.of(6) });
    expect(idx(s)).toEqual([0, 2]);
  });

  it('returns exactly batch distinct items and never an excluded one', () => {
    const n = 500;
    const probs = randomProbs(n, 4, 1);
    const e = randomEmb(n, 6, 2);
    const labeled = Int32Array.from({ length: 60 }, (_, i) => i * 7);
    const held = Int32Array.of(1, 2, 3, 4);
    const mask = exclusionMask(n, labeled, held);
    const s = hybridSelect(margin(probs), e, { batch: 25, exclude: mask, centres: Int32Array.from([...labeled, ...held]) });
    expect(s.indices.length).toBe(25);
    expect(distinct(s.indices)).toBe(true);
    for (const i of s.indices) expect(mask[i]).toBe(0);
  });

  it('returns every candidate when fewer remain than the batch', () => {
    const s = hybridSelect(scores, emb, { batch: 5, candidates: Int32Array.of(1, 4, 5) });
    expect(idx(s)).toEqual([1, 4, 5]);
  });

  it('refuses a shortlist smaller than the batch', () => {
    expect(() => hybridSelect(scores, emb, { batch: 2, factor: 0.5 })).toThrow(/factor/);
  });
});

describe('spacedTopK', () => {
  // On a line at 0, 1, 2, 3 and 100, uncertainty falling with the index: nearest-neighbour gaps 1, 1, 1, 1, 97, so τ = 1.
  const emb = line([0, 1, 2, 3, 100]);
  const scores = Float32Array.from([0.9, 0.8, 0.7, 0.6, 0.5]);

  it('takes the most uncertain items in order, skipping those within the shortlist\'s median nearest-neighbour gap of a pick', () => {
    // 0 taken; 1 is 1 from it (skip); 2 is 2 away (take); 3 is 1 from 2 (skip); 100 (take).
    const s = spacedTopK(scores, emb, { batch: 3, factor: 2 });
    expect(idx(s)).toEqual([0, 2, 4]);
    expect(Array.from(s.scores)).toEqual([scores[0], scores[2], scores[4]]);
  });

  it('fills up with the skipped items in score order when too few are spaced', () => {
    expect(idx(spacedTopK(scores, emb, { batch: 4, factor: 2 }))).toEqual([0, 2, 4, 1]);
  });

  it('skips items near what annotators hold now', () => {
    // Item 5 at 2.5 is held (not a candidate): 2 and 3 lie within τ of it.
    const withHeld = line([0, 1, 2, 3, 100, 2.5]);
    const s = spacedTopK(Float32Array.from([0.9, 0.8, 0.7, 0.6, 0.5, 1]), withHeld, { batch: 3, factor: 2, candidates: Int32Array.of(0, 1, 2, 3, 4), avoid: Int32Array.of(5) });
    expect(idx(s)).toEqual([0, 4, 1]);
  });

  it('always skips exact copies, even when the median gap is 0', () => {
    const s = spacedTopK(Float32Array.from([0.9, 0.8, 0.7, 0.6]), line([5, 5, 5, 7]), { batch: 2, factor: 2 });
    expect(idx(s)).toEqual([0, 3]);
  });

  it('is plain top-k when the shortlist is no larger than the batch', () => {
    expect(idx(spacedTopK(scores, emb, { batch: 3, factor: 1 }))).toEqual([0, 1, 2]);
  });

  it('returns exactly batch distinct items among the candidates, never an excluded one', () => {
    const n = 400;
    const u = margin(randomProbs(n, 4, 3));
    const e = randomEmb(n, 5, 4);
    const candidates = Int32Array.from({ length: 200 }, (_, i) => i * 2);
    const exclude = exclusionMask(n, Int32Array.from({ length: 50 }, (_, i) => i * 4));
    const s = spacedTopK(u, e, { batch: 15, candidates, exclude });
    expect(s.indices.length).toBe(15);
    expect(distinct(s.indices)).toBe(true);
    for (const i of s.indices) {
      expect(i % 2).toBe(0);
      expect(exclude[i]).toBe(0);
    }
  });

  it('refuses a shortlist factor below 1', () => {
    expect(() => spacedTopK(scores, emb, { batch: 2, factor: 0.5 })).toThrow(/at least 1/);
  });
});
