import { describe, expect, it } from 'vitest';
import { rankByDiversity } from '../../../lib/al/diversity-ranking';
import { kCenterGreedy } from '../../../lib/al/diversity';
import { mulberry32 } from '../../../lib/random';
import { line } from './fixtures';

const rows = (xs: number[]) => Int32Array.from(xs);

describe('rankByDiversity', () => {
  it('picks by greedy k-center from the labeled items, then orders the rest farthest from its nearest centre first', () => {
    // Item 0 (at 0) is labeled. From it: 5 (at 20) is farthest, then 3 (at 10); then 4 sits 1 from 3,
    // 2 sits 2 from 0, 1 sits 1 from 0: 2 first, then the tie 1, 4 by row.
    const r = rankByDiversity(line([0, 1, 2, 10, 11, 20]), { candidates: rows([1, 2, 3, 4, 5]), covered: rows([0]), seed: 1, picks: 2 });
    expect([...r.order]).toEqual([5, 3, 2, 1, 4]);
    expect(r.picked).toBe(2);
    expect(r.radius).toBe(2);
  });

  it('puts the neighbourhood of labeled items last', () => {
    // Two groups; the tight one is labeled at 0: its members come after every member of the far, wide one.
    const r = rankByDiversity(line([0, 1, 2, 3, 50, 60, 70, 80]), { candidates: rows([1, 2, 3, 4, 5, 6, 7]), covered: rows([0]), seed: 3, picks: 1 });
    expect([...r.order]).toEqual([7, 4, 5, 6, 3, 2, 1]);
  });

  it('starts a pool with nothing labeled from one item per cluster, then k-center around them', () => {
    const r = rankByDiversity(line([0, 1, 2, 100, 101, 102]), { candidates: rows([0, 1, 2, 3, 4, 5]), covered: rows([]), seed: 7, coldBatch: 2, picks: 3 });
    // The cold start takes each cluster's middle; k-center then finds every other item 1 away (ties by row).
    expect([...r.order].slice(0, 2).sort()).toEqual([1, 4]);
    expect([...r.order].slice(2)).toEqual([0, 2, 3, 5]);
    expect(r.picked).toBe(3);
  });

  it('ranks every candidate once and nothing else (holdout and labeled rows stay out), with scores in (0, 1] falling', () => {
    const rng = mulberry32(11);
    const xs = Array.from({ length: 200 }, () => rng() * 100);
    const candidates = rows(Array.from({ length: 200 }, (_, i) => i).filter((i) => i % 7 !== 0 && i % 11 !== 0));
    const covered = rows(Array.from({ length: 200 }, (_, i) => i).filter((i) => i % 7 === 0));
    const r = rankByDiversity(line(xs), { candidates, covered, seed: 5, picks: 30 });
    expect([...r.order].sort((a, b) => a - b)).toEqual([...candidates]);
    expect(r.score[0]).toBe(1);
    for (let i = 1; i < r.score.length; i++) expect(r.score[i]).toBeLessThan(r.score[i - 1]);
    expect(r.score[r.score.length - 1]).toBeGreaterThan(0);
    // The head is kCenterGreedy's own picks from the labeled rows.
    expect([...r.order].slice(0, 30)).toEqual([...kCenterGreedy(line(xs), { k: 30, candidates, centres: covered }).indices]);
  });

  it('gives the same order for the same seed', () => {
    const rng = mulberry32(2);
    const emb = line(Array.from({ length: 120 }, () => rng() * 10));
    const opts = { candidates: rows(Array.from({ length: 120 }, (_, i) => i)), covered: rows([]), seed: 9, picks: 25 };
    expect([...rankByDiversity(emb, opts).order]).toEqual([...rankByDiversity(emb, opts).order]);
  });

  it('ranks nothing when there is nothing open', () => {
    const r = rankByDiversity(line([0, 1]), { candidates: rows([]), covered: rows([0, 1]), seed: 1 });
    expect(r.order.length).toBe(0);
  });
});
