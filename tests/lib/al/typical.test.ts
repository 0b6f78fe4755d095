import { describe, expect, it } from 'vitest';
import { typicalCluster, typicality } from '../../../lib/al/typical';
import { clustered, distinct, embOf, line } from './fixtures';

const idx = (s: { indices: Int32Array }) => Array.from(s.indices);

describe('typicality', () => {
  it('is the inverse mean distance to the K nearest other members', () => {
    // Points 0, 1, 3, 10 on a line, K = 2:
    // 0 → 1, 3: mean 2 → 0.5; 1 → 1, 2: mean 1.5 → 2/3; 3 → 2, 3: mean 2.5 → 0.4; 10 → 7, 9: mean 8 → 0.125.
    const t = typicality(line([0, 1, 3, 10]), Int32Array.of(0, 1, 2, 3), 2);
    expect(Array.from(t)).toEqual([0.5, 2 / 3, 0.4, 0.125].map((x) => expect.closeTo(x, 12)));
  });

  it('measures only among the given members', () => {
    // Without item 1, item 0's nearest are 3 and 10 (K = 2): mean 6.5.
    const t = typicality(line([0, 1, 3, 10]), Int32Array.of(0, 2, 3), 2);
    expect(t[0]).toBeCloseTo(1 / 6.5, 12);
  });

  it('scores a lone member 0 and uses fewer neighbours in a small cluster', () => {
    expect(Array.from(typicality(line([5]), Int32Array.of(0)))).toEqual([0]);
    // Two members, K = 20 asked: one neighbour at distance 4.
    expect(Array.from(typicality(line([0, 4]), Int32Array.of(0, 1)))).toEqual([0.25, 0.25]);
  });
});

describe('typicalCluster', () => {
  // Three tight blobs of 30 in 5-d.
  const blobs = clustered([[0, 0, 0, 0, 0], [20, 0, 0, 0, 0], [0, 20, 20, 0, 0]], 30, 1, 4);

  it('picks one item of each blob with no labels', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const s = typicalCluster(blobs.emb, { batch: 3, seed });
      expect(new Set(idx(s).map((i) => blobs.cluster[i]))).toEqual(new Set([0, 1, 2]));
    }
  });

  it('skips the blobs that already hold a label', () => {
    // Items 0 (blob 0) and 30 (blob 1) are labeled: one more pick must come from blob 2.
    const s = typicalCluster(blobs.emb, { batch: 1, seed: 1, centres: Int32Array.of(0, 30), candidates: Int32Array.from({ length: 90 }, (_, i) => i).filter((i) => i !== 0 && i !== 30) });
    expect(blobs.cluster[s.indices[0]]).toBe(2);
  });

  it('takes the densest member, not an outlier of the cluster', () => {
    // A blob of five points near 0 and one far member at 3 in the same 1-d cluster; a second blob at 100.
    const emb = line([0, 0.1, -0.1, 0.05, -0.05, 3, 100, 100.2, 99.8, 100.1, 99.9]);
    const s = typicalCluster(emb, { batch: 2, seed: 1 });
    const picks = idx(s).sort((a, b) => a - b);
    expect(picks[0]).toBeLessThan(5);
    expect(picks[1]).toBeGreaterThanOrEqual(6);
  });

  it('prefers the bigger uncovered cluster first', () => {
    // 8 points near 0, 5 near 50: the first pick is from the bigger blob.
    const emb = line([0, 0.1, 0.2, 0.3, -0.1, -0.2, -0.3, 0.15, 50, 50.1, 50.2, 49.9, 49.8]);
    const s = typicalCluster(emb, { batch: 2, seed: 3 });
    expect(s.indices[0]).toBeLessThan(8);
    expect(s.indices[1]).toBeGreaterThanOrEqual(8);
  });

  it('fills the batch with distinct items when it outnumbers the clusters, deterministic for a seed', () => {
    const emb = embOf([[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10]]);
    const s = typicalCluster(emb, { batch: 6, seed: 2, centres: Int32Array.of() });
    expect(idx(s).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(distinct(s.indices)).toBe(true);
    expect(idx(typicalCluster(emb, { batch: 6, seed: 2 }))).toEqual(idx(s));
  });

  it('with restarts keeps one k-means run (the first when only one), deterministic for a seed', () => {
    for (let seed = 1; seed <= 3; seed++) {
      expect(idx(typicalCluster(blobs.emb, { batch: 3, seed, restarts: 1 }))).toEqual(idx(typicalCluster(blobs.emb, { batch: 3, seed })));
      const s = typicalCluster(blobs.emb, { batch: 3, seed, restarts: 5 });
      expect(new Set(idx(s).map((i) => blobs.cluster[i]))).toEqual(new Set([0, 1, 2]));
      expect(idx(typicalCluster(blobs.emb, { batch: 3, seed, restarts: 5 }))).toEqual(idx(s));
    }
  });
});
