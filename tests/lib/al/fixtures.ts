import { mulberry32 } from '../../../lib/random';
import type { Embeddings, Probs, Samples, Votes } from '../../../lib/al/types';

/** Builders for the active-learning tests: small hand-written tensors and seeded synthetic pools. */

export const probsOf = (rows: number[][]): Probs => ({ n: rows.length, k: rows[0].length, data: Float32Array.from(rows.flat()) });

export const embOf = (rows: number[][]): Embeddings => ({ n: rows.length, d: rows[0].length, data: Float32Array.from(rows.flat()) });

/** One-dimensional points: item i sits at xs[i]. */
export const line = (xs: number[]): Embeddings => embOf(xs.map((x) => [x]));

/** passes[s][i] is pass s's probability row for item i. */
export const samplesOf = (passes: number[][][]): Samples => ({
  n: passes[0].length,
  k: passes[0][0].length,
  t: passes.length,
  data: Float32Array.from(passes.flat(2)),
});

/** members[j][i] is member j's class for item i. */
export const votesOf = (members: number[][], k: number): Votes => ({
  n: members[0].length,
  k,
  m: members.length,
  data: Int32Array.from(members.flat()),
});

export function randomProbs(n: number, k: number, seed: number): Probs {
  const rng = mulberry32(seed);
  const data = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += data[i * k + c] = rng() ** 2 + 1e-3;
    for (let c = 0; c < k; c++) data[i * k + c] /= s;
  }
  return { n, k, data };
}

export function randomSamples(n: number, k: number, t: number, seed: number): Samples {
  const passes = [];
  for (let s = 0; s < t; s++) passes.push(randomProbs(n, k, seed * 1000 + s).data);
  const data = new Float32Array(n * k * t);
  passes.forEach((p, s) => data.set(p, s * n * k));
  return { n, k, t, data };
}

export function randomEmb(n: number, d: number, seed: number): Embeddings {
  const rng = mulberry32(seed);
  const data = new Float32Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = rng() - 0.5;
  return { n, d, data };
}

/**
 * `perCluster` points around each of `centres` (uniform noise of ±spread per coordinate),
 * items of cluster c at indices c·perCluster … (c+1)·perCluster − 1.
 */
export function clustered(centres: number[][], perCluster: number, spread: number, seed: number): { emb: Embeddings; cluster: Int32Array } {
  const rng = mulberry32(seed);
  const d = centres[0].length;
  const n = centres.length * perCluster;
  const data = new Float32Array(n * d);
  const cluster = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / perCluster);
    cluster[i] = c;
    for (let f = 0; f < d; f++) data[i * d + f] = centres[c][f] + (2 * rng() - 1) * spread;
  }
  return { emb: { n, d, data }, cluster };
}

/** True when the indices are all different. */
export const distinct = (indices: Int32Array): boolean => new Set(indices).size === indices.length;
