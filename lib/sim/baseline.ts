import type { Embeddings } from '../al/types';
import { holdoutMetrics, predictSoftmax, trainSoftmax } from '../model';
import { mulberry32 } from '../random';
import type { Curve } from './aulc';

/**
 * The simple baseline every curve of `bench:al` is shown beside: a logistic regression on the
 * raw input rows (pixels, no embedding, no graph) trained on *random* labels. If the product's
 * pipeline with its strategy cannot beat this, something upstream (the embedding, the model) is
 * wrong, whatever the strategy does. Pure and deterministic for a seed.
 */
export interface BaselineInput {
  rows: Embeddings;
  truth: Int32Array;
  k: number;
  holdout: Int32Array;
  seed: number;
  batch: number;
  budget: number;
}

/** [labels, holdout accuracy] every `batch` labels up to `budget`, labels drawn at random from the non-holdout rows with a known class. */
export function baselineCurve(o: BaselineInput): Curve {
  const n = o.truth.length;
  const held = new Uint8Array(n);
  for (const r of o.holdout) held[r] = 1;
  const pool: number[] = [];
  for (let i = 0; i < n; i++) if (held[i] === 0 && o.truth[i] >= 0) pool.push(i);
  const rng = mulberry32(o.seed * 2654435761 + 11);
  const take = Math.min(o.budget, pool.length);
  for (let s = 0; s < take; s++) {
    const j = s + Math.floor(rng() * (pool.length - s));
    [pool[s], pool[j]] = [pool[j], pool[s]];
  }
  const curve: Curve = [];
  for (let labels = Math.min(o.batch, take); labels <= take; labels += o.batch) {
    const rows = Int32Array.from(pool.slice(0, labels));
    const head = trainSoftmax(o.rows, rows, Int32Array.from(rows, (r) => o.truth[r]), o.k);
    curve.push([labels, holdoutMetrics(predictSoftmax(head, o.rows), o.truth, o.holdout).accuracy]);
    if (labels === take) break;
  }
  return curve;
}
