import { UMAP } from 'umap-js';
import type { Embeddings } from '../al/types';
import { mulberry32 } from '../random';

/**
 * A non-linear embedding for the neighbour graph: UMAP (McInnes et al. 2018, the `umap-js`
 * package) of the PCA rows, fitted without labels on the whole pool and holdout, as PCA is.
 * Low-budget strategies and label spreading both read neighbourhoods, and UMAP's pull digits
 * of one class together more tightly than PCA's (measured in docs/benchmarks.md, bench:al).
 * Deterministic for a seed: umap-js draws every random number from the function it is given.
 */

export const UMAP_COMPONENTS = 10;
export const UMAP_NEIGHBOURS = 15;
/** umap-js's own default, named so that caches keyed by the settings (bench:al-first10) say it. minDist 0 was measured for the first labels and not adopted (docs/benchmarks.md, issue 16). */
export const UMAP_MIN_DIST = 0.1;
/**
 * Rows UMAP is fitted on at most; the others are placed by `transform` against that fit.
 * ~63 s for 10,000 × 50 → 10-d on 2 loaded cores (FACTS.md), and the fit grows faster than
 * linearly, so a big pool pays for a 10,000-row fit plus a cheaper transform of the rest.
 */
export const UMAP_FIT_MAX_ROWS = 10_000;

export interface UmapOptions {
  components?: number;
  neighbours?: number;
  seed?: number;
  fitMaxRows?: number;
  /** Smallest distance between embedded points (umap-js's `minDist`, default UMAP_MIN_DIST); 0 packs each cluster tightly, as the UMAP authors advise for clustering. */
  minDist?: number;
  /** Optimisation epochs of the fit, rounded to a multiple of 3 (default: umap-js's, 500 up to 10,000 rows and 200 above; the transform then runs its own 100 or 30). */
  epochs?: number;
}

export function umapEmbed(x: Embeddings, opts: UmapOptions = {}): Embeddings {
  const components = Math.min(opts.components ?? UMAP_COMPONENTS, x.d);
  const fitMax = opts.fitMaxRows ?? UMAP_FIT_MAX_ROWS;
  const rows = (from: number, to: number): number[][] => {
    const out: number[][] = [];
    for (let i = from; i < to; i++) out.push(Array.from(x.data.subarray(i * x.d, (i + 1) * x.d)));
    return out;
  };
  // An evenly spaced sample to fit on: row ⌊j·n/m⌋, so the fit sees every part of an import.
  const m = Math.min(x.n, fitMax);
  const fitIdx = Int32Array.from({ length: m }, (_, j) => Math.floor((j * x.n) / m));
  const inFit = new Int32Array(x.n).fill(-1);
  fitIdx.forEach((r, j) => { inFit[r] = j; });
  const fitRows = Array.from(fitIdx, (r) => Array.from(x.data.subarray(r * x.d, (r + 1) * x.d)));
  const umap = new UMAP({
    nComponents: components,
    nNeighbors: Math.max(2, Math.min(opts.neighbours ?? UMAP_NEIGHBOURS, m - 1)),
    random: mulberry32(opts.seed ?? 1),
    minDist: opts.minDist ?? UMAP_MIN_DIST,
    // umap-js 1.4.0's transform runs nEpochs / 3 epochs and stops only when its epoch count equals
    // that exactly: any nEpochs not divisible by 3 makes `transform` loop forever.
    nEpochs: opts.epochs === undefined ? undefined : Math.max(3, Math.round(opts.epochs / 3) * 3),
  });
  const fitted = umap.fit(fitRows);
  const data = new Float32Array(x.n * components);
  fitIdx.forEach((r, j) => data.set(fitted[j], r * components));
  if (m < x.n) {
    // The rest in chunks, so the transform's temporary arrays stay small.
    const rest: number[] = [];
    for (let i = 0; i < x.n; i++) if (inFit[i] < 0) rest.push(i);
    const chunk = 5000;
    for (let s = 0; s < rest.length; s += chunk) {
      const part = rest.slice(s, s + chunk);
      const placed = umap.transform(part.map((r) => rows(r, r + 1)[0]));
      part.forEach((r, j) => data.set(placed[j], r * components));
    }
  }
  return { n: x.n, d: components, data };
}
