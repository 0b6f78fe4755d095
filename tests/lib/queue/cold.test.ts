import { describe, expect, it } from 'vitest';
import { indexCold, pickCold, pickColdIndexed, randomFree } from '../../../lib/queue/cold';
import { ints, syntheticPool } from './fixtures';

describe('pickCold', () => {
  const { emb, cluster } = syntheticPool(400, 3, { clusters: 6 });
  const all = ints(Array.from({ length: 400 }, (_, i) => i));

  it('takes one item per cluster when stratified', () => {
    const r = pickCold(emb, { want: 6, method: 'stratified', candidates: all, centres: ints([]), seed: 1 });
    expect(r.method).toBe('stratified');
    expect(new Set(Array.from(r.indices, (i) => cluster[i])).size).toBe(6);
  });

  it('leaves clusters the labeled and held items cover to the others', () => {
    // Centres in clusters 0–4: the only free cluster (5) gets a pick.
    const centres = ints([0, 1, 2, 3, 4].map((c) => cluster.indexOf(c)));
    const r = pickCold(emb, { want: 1, method: 'stratified', candidates: all, centres, seed: 2 });
    expect(cluster[r.indices[0]]).toBe(5);
  });

  it('is random (seeded) when asked, without embeddings, or when fewer candidates remain than wanted', () => {
    const a = pickCold(emb, { want: 5, method: 'random', candidates: all, centres: ints([]), seed: 4 });
    expect(a.method).toBe('random');
    expect(pickCold(emb, { want: 5, method: 'random', candidates: all, centres: ints([]), seed: 4 })).toEqual(a);
    expect(pickCold(undefined, { want: 5, method: 'stratified', candidates: all, centres: ints([]), seed: 4 }).method).toBe('random');
    const few = pickCold(emb, { want: 5, method: 'stratified', candidates: ints([7, 9]), centres: ints([]), seed: 4 });
    expect(Array.from(few.indices).sort()).toEqual([7, 9]);
  });
});

describe('pickColdIndexed (clusters precomputed once per embeddings)', () => {
  const { emb, cluster } = syntheticPool(2000, 3, { clusters: 6 });
  const index = indexCold(emb, { k: 24 });
  const none = new Uint8Array(2000);

  it('takes one item per natural cluster, as the k-means per deal does', () => {
    for (let seed = 0; seed < 5; seed++) {
      const picks = pickColdIndexed(emb, index, { want: 6, blocked: none, centres: ints([]), seed });
      expect(picks).toHaveLength(6);
      expect(new Set(Array.from(picks, (i) => cluster[i])).size).toBe(6);
    }
  });

  it('leaves clusters the labeled and held items cover to the others', () => {
    const centres = ints([0, 1, 2, 3, 4].map((c) => cluster.indexOf(c)));
    const r = pickColdIndexed(emb, index, { want: 1, blocked: none, centres, seed: 2 });
    expect(cluster[r[0]]).toBe(5);
    // As the plain path.
    const all = ints(Array.from({ length: 2000 }, (_, i) => i));
    expect(cluster[pickCold(emb, { want: 1, method: 'stratified', candidates: all, centres, seed: 2 }).indices[0]]).toBe(5);
  });

  it('never deals a blocked item, keeps dealing distinct items past the covered clusters, and past the sample at random', () => {
    const blocked = new Uint8Array(2000);
    for (let i = 0; i < 2000; i += 2) blocked[i] = 1;
    const picks = pickColdIndexed(emb, index, { want: 40, blocked, centres: ints(Array.from({ length: 24 }, (_, c) => index.members[index.start[c]])), seed: 1 });
    expect(picks).toHaveLength(40);
    expect(new Set(picks).size).toBe(40);
    for (const i of picks) expect(blocked[i]).toBe(0);
    const small = indexCold(emb, { k: 4, sampleSize: 10 });
    const beyond = pickColdIndexed(emb, small, { want: 30, blocked, centres: ints([]), seed: 1 });
    expect(new Set(beyond).size).toBe(30);
    for (const i of beyond) expect(blocked[i]).toBe(0);
  });

  it('is deterministic for a seed and an index', () => {
    const again = indexCold(emb, { k: 24 });
    expect(Array.from(again.members)).toEqual(Array.from(index.members));
    const a = pickColdIndexed(emb, index, { want: 10, blocked: none, centres: ints([5, 6]), seed: 7 });
    expect(pickColdIndexed(emb, again, { want: 10, blocked: none, centres: ints([5, 6]), seed: 7 })).toEqual(a);
  });
});

describe('randomFree', () => {
  it('draws distinct free items for a seed, and falls back to the scan when few are free', () => {
    const blocked = new Uint8Array(1000);
    blocked.fill(1, 0, 990);
    const r = randomFree(blocked, 10, 3);
    expect(Array.from(r).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, j) => 990 + j));
    expect(randomFree(new Uint8Array(1000), 5, 3)).toEqual(randomFree(new Uint8Array(1000), 5, 3));
  });
});
