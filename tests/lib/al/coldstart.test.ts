import { describe, expect, it } from 'vitest';
import { clusterStratified, kMeans, MIN_PER_CLASS, randomPick, TRUST_ACCURACY, uncertaintyTrusted } from '../../../lib/al/coldstart';
import { clustered, distinct } from './fixtures';

const idx = (s: { indices: Int32Array }) => Array.from(s.indices);
const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('randomPick', () => {
  it('is deterministic for a seed, differs for another, and never repeats an item', () => {
    const a = randomPick(range(1000), 20, 1);
    expect(idx(randomPick(range(1000), 20, 1))).toEqual(idx(a));
    expect(idx(randomPick(range(1000), 20, 2))).not.toEqual(idx(a));
    expect(distinct(a.indices)).toBe(true);
  });

  it('returns every candidate (shuffled) when the batch is larger', () => {
    const s = randomPick(Int32Array.of(5, 9, 2), 10, 3);
    expect(idx(s).sort((x, y) => x - y)).toEqual([2, 5, 9]);
  });
});

describe('clusterStratified', () => {
  // Three well-separated blobs of 30 points in 5-d.
  const { emb, cluster } = clustered([[0, 0, 0, 0, 0], [20, 0, 0, 0, 0], [0, 20, 20, 0, 0]], 30, 1, 4);

  it('picks one item per well-separated cluster', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const s = clusterStratified(emb, { batch: 3, seed });
      expect(new Set(Array.from(s.indices, (i) => cluster[i]))).toEqual(new Set([0, 1, 2]));
    }
  });

  it('picks the member nearest the cluster centre', () => {
    const s = clusterStratified(emb, { batch: 3, seed: 1 });
    const { d, data } = emb;
    for (const i of s.indices) {
      const c = cluster[i];
      const mean = new Float64Array(d);
      for (let j = c * 30; j < c * 30 + 30; j++) for (let f = 0; f < d; f++) mean[f] += data[j * d + f] / 30;
      const dist = (j: number) => mean.reduce((acc, m, f) => acc + (data[j * d + f] - m) ** 2, 0);
      for (let j = c * 30; j < c * 30 + 30; j++) expect(dist(i)).toBeLessThanOrEqual(dist(j) + 1e-9);
    }
  });

  it('leaves a cluster that a labeled item already covers', () => {
    // Item 0 (cluster 0) is labeled: two new picks go to clusters 1 and 2.
    for (let seed = 1; seed <= 10; seed++) {
      const s = clusterStratified(emb, { batch: 2, seed, candidates: range(90).subarray(1), centres: Int32Array.of(0) });
      expect(new Set(Array.from(s.indices, (i) => cluster[i]))).toEqual(new Set([1, 2]));
    }
  });

  it('still covers every cluster when k-means runs on a sample', () => {
    const s = clusterStratified(emb, { batch: 3, seed: 2, sampleSize: 30 });
    expect(new Set(Array.from(s.indices, (i) => cluster[i]))).toEqual(new Set([0, 1, 2]));
  });

  it('scores each pick by its cluster\'s share and puts the largest first', () => {
    const s = clusterStratified(emb, { batch: 3, seed: 1 });
    expect(Array.from(s.scores).map((v) => +v.toFixed(4))).toEqual([0.3333, 0.3333, 0.3333]);
  });
});

describe('kMeans', () => {
  const { emb, cluster } = clustered([[0, 0], [10, 10]], 20, 1, 9);

  it('finds two blobs and is deterministic for a seed', () => {
    const a = kMeans(emb, { k: 2, seed: 3 });
    expect(Array.from(a.sizes).sort()).toEqual([20, 20]);
    for (let i = 0; i < 40; i++) expect(a.assign[i] === a.assign[0]).toBe(cluster[i] === 0);
    expect(kMeans(emb, { k: 2, seed: 3 })).toEqual(a);
  });

  it('marks candidates nearer a fixed centre with −1', () => {
    const r = kMeans(emb, { k: 1, seed: 1, candidates: range(40).subarray(1), fixed: Int32Array.of(0) });
    for (let j = 0; j < 39; j++) expect(r.assign[j]).toBe(cluster[j + 1] === 0 ? -1 : 0);
  });
});

describe('uncertaintyTrusted', () => {
  it.each([
    [{ labeled: 19, classesSeen: 3, numClasses: 3 }, false],
    [{ labeled: 20, classesSeen: 3, numClasses: 3 }, true],
    [{ labeled: 500, classesSeen: 2, numClasses: 3 }, false],
    [{ labeled: 19, classesSeen: 10, numClasses: 10, minLabels: 5 }, false],
    [{ labeled: 20, classesSeen: 10, numClasses: 10, minLabels: 5 }, true],
    [{ labeled: 49, classesSeen: 2, numClasses: 2, minLabels: 50 }, false],
    // With the model's accuracy on its labels measured: the counts and the accuracy both.
    [{ labeled: 20, classesSeen: 3, numClasses: 3, accuracy: TRUST_ACCURACY }, true],
    [{ labeled: 20, classesSeen: 3, numClasses: 3, accuracy: TRUST_ACCURACY - 0.001 }, false],
    [{ labeled: 20, classesSeen: 3, numClasses: 3, accuracy: null }, false],
    [{ labeled: 19, classesSeen: 3, numClasses: 3, accuracy: 1 }, false],
    [{ labeled: 20, classesSeen: 3, numClasses: 3, accuracy: 0.5, minAccuracy: 0.5 }, true],
    // With the labels per class counted: every class needs MIN_PER_CLASS (the heads' CV folds).
    [{ labeled: 20, classesSeen: 10, numClasses: 10, fewestPerClass: MIN_PER_CLASS - 1 }, false],
    [{ labeled: 30, classesSeen: 10, numClasses: 10, fewestPerClass: MIN_PER_CLASS }, true],
    [{ labeled: 100, classesSeen: 10, numClasses: 10, fewestPerClass: 2, accuracy: 1 }, false],
  ])('%o → %s', (input, want) => {
    expect(uncertaintyTrusted(input)).toBe(want);
  });
});
