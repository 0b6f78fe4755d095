import { describe, expect, it } from 'vitest';
import { UMAP_MIN_ITEMS } from '../../lib/model/pipeline';
import { buildPixelFeatures } from '../../lib/model/views';
import { barImages } from '../fixtures/images';
import { PIXEL_EXTRACTOR } from '../../workers/trainer/extractor';
import { twoViewFeaturesInThreads } from '../../workers/trainer/view-threads';

/** 1,000 16×16 images of bars, horizontal or vertical. */
const bars = () => barImages(UMAP_MIN_ITEMS, 16, 5);

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
