import { describe, expect, it } from 'vitest';
import { UMAP_MIN_ITEMS } from '../../lib/model/pipeline';
import { buildPixelFeatures } from '../../lib/model/views';
import { mulberry32 } from '../../lib/random';
import { PIXEL_EXTRACTOR } from '../../workers/trainer/extractor';
import { twoViewFeaturesInThreads } from '../../workers/trainer/view-threads';

/** 1,000 16×16 images: a bar, horizontal or vertical, at a random place, on noise. */
function bars(): { n: number; d: number; data: Float32Array } {
  const rng = mulberry32(5);
  const side = 16;
  const n = UMAP_MIN_ITEMS;
  const data = new Float32Array(n * side * side);
  for (let i = 0; i < n; i++) {
    const at = 2 + Math.floor(rng() * 12);
    for (let p = 0; p < side * side; p++) data[i * side * side + p] = ((i % 2 === 0 ? Math.floor(p / side) : p % side) === at ? 1 : 0) + rng() * 0.1;
  }
  return { n, d: side * side, data };
}

describe('twoViewFeaturesInThreads', () => {
  it('builds the same features as buildPixelFeatures, each view in a thread, while the event loop stays free', async () => {
    const x = bars();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const threaded = await twoViewFeaturesInThreads(x);
    clearInterval(timer);
    const here = buildPixelFeatures(x);
    expect(ticks).toBeGreaterThan(2);
    expect(Array.from(threaded.embeddings.data)).toEqual(Array.from(here.embeddings.data));
    expect([threaded.embeddings.n, threaded.embeddings.d]).toEqual([x.n, 20]);
    expect(Array.from(threaded.graph.cols)).toEqual(Array.from(here.graph.cols));
    expect(Array.from(threaded.otherViews![0].weights)).toEqual(Array.from(here.otherViews![0].weights));
  }, 120_000);

  it('rejects with the error of a view whose thread failed', async () => {
    const bad = { n: UMAP_MIN_ITEMS, d: 256, data: new Float32Array(10) };
    await expect(twoViewFeaturesInThreads(bad)).rejects.toThrow(/1000 rows of 256 values need 256000 values, got 10/);
  }, 60_000);

  it('is how the trainer\'s pixel extractor builds a two-view pool (no fallback to its own thread)', async () => {
    const x = bars();
    const warned: unknown[] = [];
    const warn = console.warn;
    console.warn = (m: unknown) => { warned.push(m); };
    try {
      let pauses = 0;
      const f = await PIXEL_EXTRACTOR.featuresInSteps!(x, async () => { pauses++; });
      expect(f.embeddings.d).toBe(20);
      expect(f.otherViews).toHaveLength(1);
      // The in-thread steps pause four times; the threads need no pause.
      expect(pauses).toBe(0);
      expect(warned).toEqual([]);
    } finally {
      console.warn = warn;
    }
  }, 120_000);
});
