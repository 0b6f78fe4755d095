import { describe, expect, it } from 'vitest';
import { umapEmbed } from '../../../lib/model/umap';
import { usesUmap, UMAP_MAX_ITEMS, UMAP_MIN_ITEMS } from '../../../lib/model/pipeline';
import { buildPixelFeatures } from '../../../lib/model/views';
import { mulberry32 } from '../../../lib/random';

/** n points in d dimensions, alternating between two blobs 10 apart (point i in blob i % 2). */
function twoBlobs(n: number, d: number, seed: number) {
  const rng = mulberry32(seed);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) data[i * d + f] = (i % 2 === 1 && f === 0 ? 10 : 0) + rng() - 0.5;
  return { n, d, data };
}

const mean = (e: { d: number; data: Float32Array }, rows: number[]) => {
  const m = new Float64Array(e.d);
  for (const r of rows) for (let f = 0; f < e.d; f++) m[f] += e.data[r * e.d + f] / rows.length;
  return m;
};
const dist = (a: Float64Array, e: { d: number; data: Float32Array }, r: number) => Math.hypot(...Array.from(a, (v, f) => v - e.data[r * e.d + f]));

describe('umapEmbed', () => {
  it('maps n × d rows to n × components, the same for the same seed', () => {
    // 50 epochs asked: rounded to 51 (umap-js's transform loops forever on a count not divisible by 3).
    const x = twoBlobs(120, 8, 1);
    const a = umapEmbed(x, { components: 3, seed: 7, epochs: 50 });
    expect([a.n, a.d]).toEqual([120, 3]);
    expect(Array.from(a.data).every(Number.isFinite)).toBe(true);
    expect(Array.from(umapEmbed(x, { components: 3, seed: 7, epochs: 50 }).data)).toEqual(Array.from(a.data));
  });

  it('passes minDist on: a different layout, the same for the same seed', () => {
    const x = twoBlobs(120, 8, 1);
    const tight = umapEmbed(x, { components: 3, seed: 7, epochs: 50, minDist: 0 });
    expect(Array.from(tight.data)).not.toEqual(Array.from(umapEmbed(x, { components: 3, seed: 7, epochs: 50 }).data));
    expect(Array.from(umapEmbed(x, { components: 3, seed: 7, epochs: 50, minDist: 0 }).data)).toEqual(Array.from(tight.data));
  });

  it('fits on an even sample of a big pool and places the rest beside their own blob', () => {
    const x = twoBlobs(160, 8, 2);
    // Fitted on 64 of 160 rows (row ⌊j·2.5⌋, from both blobs); the other 96 are placed by UMAP's transform.
    const e = umapEmbed(x, { components: 2, seed: 3, fitMaxRows: 64, epochs: 50 });
    const fitted = new Set(Array.from({ length: 64 }, (_, j) => Math.floor((j * 160) / 64)));
    const blob = (b: number) => Array.from({ length: 160 }, (_, i) => i).filter((i) => i % 2 === b && fitted.has(i));
    const centre = [mean(e, blob(0)), mean(e, blob(1))];
    const placed = Array.from({ length: 160 }, (_, i) => i).filter((i) => !fitted.has(i));
    expect(placed.length).toBe(96);
    for (const r of placed) expect(dist(centre[r % 2], e, r)).toBeLessThan(dist(centre[1 - (r % 2)], e, r));
  });
});

describe('the trainer\'s pixel features', () => {
  it('go through UMAP only for pools of a size where it was measured to help', () => {
    expect(usesUmap(UMAP_MIN_ITEMS - 1)).toBe(false);
    expect(usesUmap(UMAP_MIN_ITEMS)).toBe(true);
    expect(usesUmap(UMAP_MAX_ITEMS)).toBe(true);
    expect(usesUmap(UMAP_MAX_ITEMS + 1)).toBe(false);
    expect(buildPixelFeatures(twoBlobs(100, 60, 4)).embeddings.d).toBe(50);
  });
});
