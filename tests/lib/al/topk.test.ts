import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../lib/random';
import { eligibleIndices, exclusionMask, topK } from '../../../lib/al/topk';
import { margin } from '../../../lib/al/uncertainty';

const idx = (s: { indices: Int32Array }) => Array.from(s.indices);

describe('topK', () => {
  const scores = Float32Array.from([0.1, 0.9, 0.5, 0.9, 0.3]);

  it('returns the k highest scores best first, ties to the lower index', () => {
    const s = topK(scores, 3);
    expect(idx(s)).toEqual([1, 3, 2]);
    expect(Array.from(s.scores)).toEqual([scores[1], scores[3], scores[2]]);
  });

  it('keeps the lower index when a tie straddles the cut', () => {
    expect(idx(topK(Float32Array.from([0.2, 0.7, 0.7, 0.7]), 2))).toEqual([1, 2]);
  });

  it('skips excluded items', () => {
    expect(idx(topK(scores, 2, { exclude: exclusionMask(5, Int32Array.of(1)) }))).toEqual([3, 2]);
  });

  it('ranks only the given candidates', () => {
    expect(idx(topK(scores, 2, { candidates: Int32Array.of(0, 2, 4) }))).toEqual([2, 4]);
  });

  it('returns everything sorted when k exceeds the pool, and nothing for k = 0', () => {
    expect(idx(topK(scores, 10))).toEqual([1, 3, 2, 4, 0]);
    expect(idx(topK(scores, 0))).toEqual([]);
  });

  it('ranks a NaN score below every number', () => {
    expect(idx(topK(Float64Array.from([NaN, -5, 2]), 3))).toEqual([2, 1, 0]);
  });

  it('agrees with a full sort on a pool full of ties', () => {
    const rng = mulberry32(7);
    const n = 5000;
    const s = new Float32Array(n);
    for (let i = 0; i < n; i++) s[i] = Math.floor(rng() * 50) / 50;
    const ref = Array.from({ length: n }, (_, i) => i).sort((a, b) => s[b] - s[a] || a - b).slice(0, 137);
    expect(idx(topK(s, 137))).toEqual(ref);
  });
});

describe('eligibleIndices', () => {
  it('is the candidates minus the excluded, ascending and without duplicates', () => {
    const mask = exclusionMask(8, Int32Array.of(2), Int32Array.of(5), undefined);
    expect(Array.from(eligibleIndices(8, Int32Array.of(7, 2, 3, 3, 5, 0), mask))).toEqual([0, 3, 7]);
    expect(Array.from(eligibleIndices(4))).toEqual([0, 1, 2, 3]);
  });

  it('refuses an index outside the pool', () => {
    expect(() => exclusionMask(3, Int32Array.of(3))).toThrow(/outside the pool/);
    expect(() => eligibleIndices(3, Int32Array.of(-1))).toThrow(/outside the pool/);
  });
});

describe('a 1,000,000 × 10 pool', () => {
  it('is ranked by margin and cut to the top 100 in flat arrays, finding the planted near-ties', () => {
    const n = 1_000_000;
    const k = 10;
    const rng = mulberry32(3);
    const data = new Float32Array(n * k);
    // Every row has a clear winner (p₁ = 0.6, the rest share 0.4), so margin ≥ 0.2 …
    for (let i = 0; i < n; i++) {
      const o = i * k;
      let s = 0;
      for (let c = 1; c < k; c++) s += data[o + c] = rng();
      for (let c = 1; c < k; c++) data[o + c] *= 0.4 / s;
      data[o] = 0.6;
    }
    // … except 100 planted rows whose top two are within 0.05.
    const planted = new Set<number>();
    for (let j = 0; j < 100; j++) {
      const i = 7919 * j + 13;
      planted.add(i);
      data.fill(0, i * k, (i + 1) * k);
      data[i * k] = 0.5;
      data[i * k + 1] = 0.45 + (j % 10) * 0.005;
    }
    const out = new Float32Array(n);
    // Collect what the set-up and the test runner left behind first, so the growth below is this ranking's own.
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
    const heapBefore = process.memoryUsage().heapUsed;
    const scores = margin({ n, k, data }, out);
    const top = topK(scores, 100);
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

    expect(scores).toBe(out);
    expect(new Set(top.indices)).toEqual(planted);
    for (let r = 1; r < 100; r++) expect(top.scores[r]).toBeLessThanOrEqual(top.scores[r - 1]);
    // Typed arrays live outside the JS heap; a million per-item objects (≥ 16 bytes each, plus an array
    // of a million pointers) would not. The bound leaves room for the runner's own allocations.
    expect(heapGrowth).toBeLessThan(12 * 2 ** 20);
  });
});
