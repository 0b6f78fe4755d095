import { describe, expect, it } from 'vitest';
import { badgeEmbeddings, badgeSelect, kCenterGreedy, kMeansPlusPlus, MAX_BADGE_FLOATS, sqDist } from '../../../lib/al/diversity';
import { distinct, embOf, line, probsOf, randomEmb, randomProbs } from './fixtures';

const idx = (s: { indices: Int32Array }) => Array.from(s.indices);
const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);

describe('sqDist', () => {
  it('is the squared Euclidean distance, also past a multiple of four dimensions', () => {
    const e = embOf([[1, 2, 3, 4, 5], [0, 0, 0, 0, 0]]);
    expect(sqDist(e.data, 0, 1, 5)).toBe(55);
  });
});

describe('kCenterGreedy', () => {
  const pts = line([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

  it('picks the extremes of a line first, then the middle', () => {
    // Centroid 5: 0 and 10 tie at distance 5, the lower index goes first.
    const s = kCenterGreedy(pts, { k: 3 });
    expect(idx(s)).toEqual([0, 10, 5]);
    expect(Array.from(s.scores)).toEqual([5, 10, 5]);
  });

  it('keeps away from existing centres', () => {
    // Item 10 (at x = 10) is labeled: the farthest from it is 0, then 5 (4 and 6 are only 4 from a centre).
    const s = kCenterGreedy(pts, { k: 2, candidates: range(0, 10), centres: Int32Array.of(10) });
    expect(idx(s)).toEqual([0, 5]);
    expect(Array.from(s.scores)).toEqual([10, 5]);
  });

  it('starts from the given first item when there are no centres', () => {
    expect(idx(kCenterGreedy(pts, { k: 2, first: 3 }))).toEqual([3, 10]);
  });

  it('returns every candidate when asked for more, each once', () => {
    const s = kCenterGreedy(pts, { k: 50, candidates: Int32Array.of(2, 4, 9) });
    expect(idx(s).sort((a, b) => a - b)).toEqual([2, 4, 9]);
  });

  it('still returns distinct items when points coincide', () => {
    const s = kCenterGreedy(line([1, 1, 1, 1]), { k: 3 });
    expect(idx(s)).toEqual([0, 1, 2]);
  });
});

describe('kMeansPlusPlus', () => {
  const emb = randomEmb(300, 8, 1);

  it('is deterministic for a seed and differs for another', () => {
    const a = kMeansPlusPlus(emb, { k: 10, seed: 1 });
    expect(idx(kMeansPlusPlus(emb, { k: 10, seed: 1 }))).toEqual(idx(a));
    expect(idx(kMeansPlusPlus(emb, { k: 10, seed: 2 }))).not.toEqual(idx(a));
    expect(distinct(a.indices)).toBe(true);
  });

  it('never picks a second copy of a point while a distinct point is left', () => {
    // Three copies of 0 and one point at 100: any seed picks 100 and exactly one 0.
    const pts = line([0, 0, 0, 100]);
    for (let seed = 1; seed <= 20; seed++) {
      const picks = idx(kMeansPlusPlus(pts, { k: 2, seed }));
      expect(picks).toContain(3);
    }
  });

  it('starts away from existing centres', () => {
    // A centre sits on item 0's twin; only item 2 has any distance left.
    const pts = line([0, 0, 50]);
    for (let seed = 1; seed <= 10; seed++) {
      expect(idx(kMeansPlusPlus(pts, { k: 1, seed, candidates: Int32Array.of(0, 2), centres: Int32Array.of(1) }))).toEqual([2]);
    }
  });

  it('never draws an item of weight 0 while weighted items remain', () => {
    const weights = new Float32Array(300);
    for (let i = 0; i < 300; i += 3) weights[i] = 1;
    for (let seed = 1; seed <= 5; seed++) {
      const s = kMeansPlusPlus(emb, { k: 20, seed, weights, centres: Int32Array.of(1) });
      for (const i of s.indices) expect(i % 3).toBe(0);
    }
  });
});

describe('badgeEmbeddings', () => {
  it('is (onehot(argmax p) − p) ⊗ embedding, computed by hand', () => {
    // p = [0.7, 0.2, 0.1] → u = [0.3, −0.2, −0.1]; e = [1, 2].
    const g = badgeEmbeddings(probsOf([[0.7, 0.2, 0.1]]), embOf([[1, 2]]));
    expect(g).toMatchObject({ n: 1, d: 6 });
    const want = [0.3, 0.6, -0.2, -0.4, -0.1, -0.2];
    Array.from(g.data).forEach((v, j) => expect(v).toBeCloseTo(want[j], 6));
  });

  it('builds rows only for the candidate subset', () => {
    const g = badgeEmbeddings(probsOf([[1, 0], [0.5, 0.5]]), embOf([[3], [4]]), Int32Array.of(1));
    expect(g.n).toBe(1);
    expect(Array.from(g.data)).toEqual([2, -2]);
  });

  it('refuses to allocate past its memory cap and names the way out', () => {
    const n = 2 ** 20;
    const probs = { n, k: 16, data: new Float32Array(0) };
    const emb = { n, d: 16, data: new Float32Array(0) };
    expect(16 * 16 * n).toBeGreaterThan(MAX_BADGE_FLOATS);
    expect(() => badgeEmbeddings(probs, emb)).toThrow(/candidate subset/);
  });
});

describe('badgeSelect', () => {
  it('starts from the largest gradient: the uncertain item with the larger embedding', () => {
    const probs = probsOf([[0.99, 0.01], [0.5, 0.5], [0.5, 0.5], [0.98, 0.02]]);
    const emb = embOf([[10, 0], [1, 0], [0, 3], [0, 10]]);
    expect(badgeSelect(probs, emb, { k: 1, seed: 1 }).indices[0]).toBe(2);
  });

  it('picks what k-means++ picks over the explicit gradient embeddings, without building them', () => {
    const probs = randomProbs(400, 5, 4);
    const emb = randomEmb(400, 12, 5);
    const cands = range(50, 400);
    const implicit = badgeSelect(probs, emb, { k: 15, seed: 9, candidates: cands, centres: Int32Array.of(3, 7) });
    // The explicit route: rows for candidates then centres, k-means++ over those rows.
    const rows = Int32Array.from([...cands, 3, 7]);
    const g = badgeEmbeddings(probs, emb, rows);
    const explicit = kMeansPlusPlus(g, { k: 15, seed: 9, candidates: range(0, cands.length), centres: Int32Array.of(cands.length, cands.length + 1) });
    expect(idx(implicit)).toEqual(idx(explicit).map((r) => rows[r]));
    implicit.scores.forEach((v, j) => expect(v).toBeCloseTo(explicit.scores[j], 4));
  });

  it('matches max-norm k-means++ without centres too', () => {
    const probs = randomProbs(200, 4, 6);
    const emb = randomEmb(200, 8, 7);
    const g = badgeEmbeddings(probs, emb);
    expect(idx(badgeSelect(probs, emb, { k: 12, seed: 3 }))).toEqual(idx(kMeansPlusPlus(g, { k: 12, seed: 3, first: 'max-norm' })));
  });
});
