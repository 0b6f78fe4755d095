import type { Embeddings } from '../al/types';
import { hogRows } from './hog';
import { buildFeatures, neighbourGraph, usesUmap, type Features } from './pipeline';
import { umapEmbed } from './umap';

/**
 * Features of raw pixels as the trainer builds them: PCA-50, then UMAP-10 on a pool of a size it
 * helps (see MODEL_NAME, usesUmap). There, when the rows are square grey images, a second view
 * beside it: the images' HOG descriptors (hog.ts) through the same PCA-50 and UMAP-10, with its
 * own graph (TWO_VIEW_MODEL_NAME); the strategies read both views' rows side by side.
 */
export function buildPixelFeatures(x: Embeddings, opts: { seed?: number } = {}): Features {
  const steps = pixelFeatureSteps(x, opts);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/** The two views of square grey images: their pixels, and their HOG descriptors (hog.ts). */
export type PixelView = 'pixels' | 'hog';
export const PIXEL_VIEWS: readonly PixelView[] = ['pixels', 'hog'];

/** Whether buildPixelFeatures gives x two views: square images of at least HOG_MIN_SIDE, in a pool UMAP is used on. */
export function usesTwoViews(x: Embeddings): boolean {
  const side = Math.round(Math.sqrt(x.d));
  return usesUmap(x.n) && side * side === x.d && side >= HOG_MIN_SIDE;
}

/** One view's rows before UMAP: PCA-50 of the pixels, or of their HOG descriptors. */
export function viewPca(x: Embeddings, view: PixelView, seed = 1): Embeddings {
  if (x.data.length !== x.n * x.d) throw new RangeError(`viewPca: ${x.n} rows of ${x.d} values need ${x.n * x.d} values, got ${x.data.length}`);
  return buildFeatures(viewRows(x, view), { seed, neighbours: 0 }).embeddings;
}

function viewRows(x: Embeddings, view: PixelView): Embeddings {
  switch (view) {
    case 'pixels': return x;
    case 'hog': return hogRows(x, { side: Math.round(Math.sqrt(x.d)) });
    default: { const never: never = view; throw new RangeError(`viewPca: no view ${String(never)}`); }
  }
}

/**
 * One view of a two-view pool, whole: viewPca, then UMAP-10. The views are independent, so the
 * trainer builds them side by side in threads (workers/trainer/view-threads.ts) and joins them
 * with `twoViewFeatures`: the same rows as buildPixelFeatures gives, on both cores.
 */
export function viewEmbedding(x: Embeddings, view: PixelView, seed = 1): Embeddings {
  return umapEmbed(viewPca(x, view, seed), { seed });
}

/** The features of a pool's two views, each built by viewEmbedding. */
export function twoViewFeatures(pixels: Embeddings, shapes: Embeddings): Features {
  return featuresOfViews(joinViews([pixels, shapes]), [pixels.d, shapes.d]);
}

/**
 * buildPixelFeatures in steps: it yields after each view's PCA and after its UMAP (a UMAP is tens
 * of seconds on a 10k pool, the whole build about a minute), so a caller that must stay responsive
 * can let its event loop run between them (`await` something at each yield).
 */
export function* pixelFeatureSteps(x: Embeddings, opts: { seed?: number } = {}): Generator<void, Features, void> {
  if (!usesUmap(x.n)) return buildFeatures(x, { seed: opts.seed });
  if (!usesTwoViews(x)) return buildFeatures(x, { seed: opts.seed, umap: {} });
  const seed = opts.seed ?? 1;
  const built: Embeddings[] = [];
  for (const view of PIXEL_VIEWS) {
    const pca = viewPca(x, view, seed);
    yield;
    built.push(umapEmbed(pca, { seed }));
    yield;
  }
  return twoViewFeatures(built[0], built[1]);
}

/**
 * Features of views joined side by side (`joinViews`), `widths` columns each: one neighbour graph
 * per view from its own columns (centring and one scale per view leave a kNN graph as it was).
 */
export function featuresOfViews(joined: Embeddings, widths: readonly number[], neighbours?: number): Features {
  if (widths.reduce((a, b) => a + b, 0) !== joined.d) throw new RangeError(`featuresOfViews: widths ${widths.join('+')} do not add up to ${joined.d}`);
  let offset = 0;
  const graphs = widths.map((w) => {
    const data = new Float32Array(joined.n * w);
    for (let i = 0; i < joined.n; i++) data.set(joined.data.subarray(i * joined.d + offset, i * joined.d + offset + w), i * w);
    offset += w;
    return neighbourGraph({ n: joined.n, d: w, data }, neighbours);
  });
  return graphs.length > 1 ? { embeddings: joined, graph: graphs[0], otherViews: graphs.slice(1) } : { embeddings: joined, graph: graphs[0] };
}

/** Smallest image side that gets the HOG view (two cells of 4 pixels and some). */
export const HOG_MIN_SIDE = 12;
/** The pixel model with its second view (buildPixelFeatures): spreading on both graphs, averaged. */
export const TWO_VIEW_MODEL_NAME = 'pca50-umap10-knn7+hog-pca50-umap10-knn7-label-spreading';

/**
 * Every view's rows side by side, each centred and scaled to a mean squared norm of 1, so that
 * neither view's scale decides the distances the strategies measure.
 */
export function joinViews(views: readonly Embeddings[]): Embeddings {
  const n = views[0].n;
  const width = views.reduce((sum, v) => sum + v.d, 0);
  const out = new Float32Array(n * width);
  let offset = 0;
  for (const v of views) {
    if (v.n !== n) throw new RangeError(`joinViews: views of ${n} and ${v.n} rows`);
    const mean = new Float64Array(v.d);
    for (let i = 0; i < n; i++) for (let f = 0; f < v.d; f++) mean[f] += v.data[i * v.d + f] / n;
    let squares = 0;
    for (let i = 0; i < n; i++) for (let f = 0; f < v.d; f++) squares += (v.data[i * v.d + f] - mean[f]) ** 2;
    const scale = 1 / Math.sqrt(squares / n || 1);
    for (let i = 0; i < n; i++) for (let f = 0; f < v.d; f++) out[i * width + offset + f] = (v.data[i * v.d + f] - mean[f]) * scale;
    offset += v.d;
  }
  return { n, d: width, data: out };
}
