import { describe, expect, it } from 'vitest';
import { knnGraph, trainRound } from '../../../lib/model';
import { UMAP_MIN_ITEMS } from '../../../lib/model/pipeline';
import { buildPixelFeatures, featuresOfViews, joinViews, pixelFeatureSteps, TWO_VIEW_MODEL_NAME } from '../../../lib/model/views';
import { spreadViews } from '../../../lib/model/spreading';
import { selectBatch } from '../../../lib/al';
import { mulberry32 } from '../../../lib/random';
import { barImages } from '../../fixtures/images';

const emb = (rows: number[][]) => ({ n: rows.length, d: rows[0].length, data: Float32Array.from(rows.flat()) });

describe('joinViews', () => {
  it('puts the views side by side, each centred and scaled to a mean squared norm of 1', () => {
    const a = emb([[0], [2], [4], [6]]); // mean 3, mean square about it 5
    const b = emb([[100, 0], [100, 0], [300, 0], [300, 0]]); // mean (200, 0), mean square 10,000
    const j = joinViews([a, b]);
    expect([j.n, j.d]).toEqual([4, 3]);
    const s5 = Math.sqrt(5);
    expect(Array.from(j.data)).toEqual([-3 / s5, -1, 0, -1 / s5, -1, 0, 1 / s5, 1, 0, 3 / s5, 1, 0].map((v) => expect.closeTo(v, 6)));
  });

  it('refuses views of different items', () => {
    expect(() => joinViews([emb([[0], [1]]), emb([[0]])])).toThrow(/views of 2 and 1 rows/);
  });
});

describe('featuresOfViews', () => {
  it('builds one neighbour graph per view from its own columns, the same graph as of the view as it was', () => {
    const rng = mulberry32(5);
    const a = emb(Array.from({ length: 40 }, () => [rng(), rng()]));
    const b = emb(Array.from({ length: 40 }, () => [rng() * 50, rng() * 50, rng() * 50]));
    const f = featuresOfViews(joinViews([a, b]), [2, 3], 4);
    expect(f.embeddings.d).toBe(5);
    expect(f.otherViews).toHaveLength(1);
    for (const [got, view] of [[f.graph, a], [f.otherViews![0], b]] as const) {
      const want = knnGraph(view, 4);
      expect(Array.from(got.cols)).toEqual(Array.from(want.cols));
      expect(Array.from(got.weights)).toEqual(Array.from(want.weights).map((w) => expect.closeTo(w, 4)));
    }
    expect(featuresOfViews(a, [2], 4).otherViews).toBeUndefined();
    expect(() => featuresOfViews(a, [1, 2])).toThrow(/widths 1\+2 do not add up to 2/);
  });
});

describe('buildPixelFeatures', () => {
  it(`gives square images of a pool UMAP is used on (≥ ${UMAP_MIN_ITEMS}) a second view, their HOG descriptors, and other rows none`, () => {
    // 1,000 16×16 images: a bar, horizontal or vertical, at a random place, on noise.
    const side = 16;
    const n = UMAP_MIN_ITEMS;
    const { data } = barImages(n, side, 9);
    // In steps (as the trainer builds them, its loop free between them): a pause after each view's PCA and UMAP.
    const steps = pixelFeatureSteps({ n, d: side * side, data });
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses++;
    const f = step.value;
    expect(pauses).toBe(4);
    expect([f.embeddings.n, f.embeddings.d]).toEqual([n, 20]);
    expect(f.otherViews).toHaveLength(1);
    expect(f.otherViews![0].n).toBe(n);
    expect(TWO_VIEW_MODEL_NAME).toMatch(/hog/);
    // The same rows as 1,000 × 255 values are not images: one view.
    const flat = buildPixelFeatures({ n, d: 255, data: data.subarray(0, n * 255) });
    expect(flat.embeddings.d).toBe(10);
    expect(flat.otherViews).toBeUndefined();
  });
});

describe('trainRound with two views', () => {
  it('spreads labels on both graphs and picks the first batch with both graphs', () => {
    const rng = mulberry32(2);
    const a = emb(Array.from({ length: 60 }, (_, i) => [i % 3 === 0 ? 10 + rng() : rng(), rng()]));
    const b = emb(Array.from({ length: 60 }, (_, i) => [i % 2 === 0 ? 10 + rng() : rng(), rng()]));
    const features = featuresOfViews(joinViews([a, b]), [2, 2], 5);
    const labels = new Int32Array(60).fill(-1);
    const candidates = Int32Array.from({ length: 60 }, (_, i) => i);
    const cold = trainRound({ features, labels, k: 2, candidates, strategy: 'auto', batch: 4, seed: 3 });
    const graphs = [features.graph, ...features.otherViews!];
    expect(Array.from(cold.selection.indices)).toEqual(Array.from(selectBatch('typical-cluster', { embeddings: features.embeddings, graphs, candidates, batch: 4, seed: 3 }).indices));
    labels[0] = 0;
    labels[1] = 1;
    const round = trainRound({ features, labels, k: 2, candidates, strategy: 'margin', batch: 4, seed: 3 });
    expect(Array.from(round.probs.data)).toEqual(Array.from(spreadViews(features, labels, 2).data));
  });
});
