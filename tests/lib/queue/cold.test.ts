import { describe, expect, it } from 'vitest';
import { pickCold } from '../../../lib/queue/cold';
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
