import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createFeatureCache } from '../../workers/trainer/cache';
import { buildFeatures } from '../../lib/model';
import { TMP_ROOT } from '../fixtures/paths';

describe('trainer feature cache', () => {
  const dir = path.join(TMP_ROOT, 'worker-cache-unit');
  const ids = Int32Array.from([3, 5, 8, 13, 21, 34]);
  const pixels = Float32Array.from({ length: ids.length * 4 }, (_, i) => (i % 7) / 7);

  it('reads back the thumbnails and the features it wrote, per server and project', () => {
    fs.rmSync(dir, { recursive: true, force: true });
    const cache = createFeatureCache(dir, 'http://a:3000');
    expect(cache.loadPixels(1)).toBeNull();
    expect(cache.savePixels(1, ids, pixels)).toBe(true);
    expect(cache.loadPixels(1)).toEqual({ ids, pixels });
    expect(createFeatureCache(dir, 'http://b:3000').loadPixels(1)).toBeNull();
    expect(cache.loadPixels(2)).toBeNull();

    const features = buildFeatures({ n: ids.length, d: 4, data: pixels }, { components: 2, neighbours: 2 });
    cache.saveFeatures(1, ids, features);
    expect(cache.loadFeatures(1, ids)).toEqual(features);
    expect(cache.loadFeatures(1, Int32Array.from([3, 5]))).toBeNull(); // another item set

    // Features with a second view (the pixel extractor's HOG graph) keep it.
    const other = buildFeatures({ n: ids.length, d: 4, data: pixels.map((v) => 1 - v) }, { components: 2, neighbours: 3 }).graph;
    const twoViews = { ...features, otherViews: [other] };
    cache.saveFeatures(1, ids, twoViews);
    expect(cache.loadFeatures(1, ids)).toEqual(twoViews);
  });

  it('ignores a truncated or foreign file instead of trusting it', () => {
    const cache = createFeatureCache(dir, 'http://a:3000');
    cache.savePixels(7, ids, pixels);
    expect(cache.loadPixels(7)).not.toBeNull();
    for (const f of fs.readdirSync(dir).map((x) => path.join(dir, x, 'pixels.bin')).filter((f) => fs.existsSync(f))) {
      const whole = fs.readFileSync(f);
      fs.writeFileSync(f, whole.subarray(0, whole.length - 10));
    }
    expect(cache.loadPixels(7)).toBeNull();
    for (const f of fs.readdirSync(dir).map((x) => path.join(dir, x, 'pixels.bin')).filter((f) => fs.existsSync(f))) fs.writeFileSync(f, 'not a cache file');
    expect(cache.loadPixels(7)).toBeNull();
  });
});
