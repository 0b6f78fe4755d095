import type { Embeddings } from '../al/types';

/**
 * A symmetric weighted graph in compressed sparse rows: the neighbours of
 * node i are `cols[rowStart[i] … rowStart[i + 1])` with weights `weights[…]`.
 */
export interface Graph {
  n: number;
  rowStart: Int32Array;
  cols: Int32Array;
  weights: Float32Array;
}

/**
 * The k-nearest-neighbour graph of the embeddings, exact (each pair's
 * distance computed once, by |a|² + |b|² − 2a·b), with Gaussian weights
 * exp(−d² / σ²) where σ² is the mean squared distance to the k-th
 * neighbour, made symmetric by keeping an edge when either end chose it.
 * Exact search costs n²·d/2 multiply-adds: 2.5 G for 10k × 50-d, seconds
 * here, computed once per pool and cached by the trainer. Larger pools want
 * an approximate index (hnswlib-node builds here, see FACTS.md).
 */
export function knnGraph(x: Embeddings, k: number): Graph {
  const { n, d, data } = x;
  const kk = Math.max(0, Math.min(k, n - 1));
  // No neighbours asked for (a caller that wants the rows only): skip the n² search.
  if (kk === 0) return { n, rowStart: new Int32Array(n + 1), cols: new Int32Array(0), weights: new Float32Array(0) };
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let f = 0; f < d; f++) s += data[i * d + f] ** 2;
    norms[i] = s;
  }
  // Per node, its k best so far as a sorted list (largest distance last): k is small.
  const bestDist = new Float64Array(n * kk).fill(Infinity);
  const bestIdx = new Int32Array(n * kk).fill(-1);
  const offer = (i: number, j: number, dist: number) => {
    const base = i * kk;
    if (kk === 0 || dist >= bestDist[base + kk - 1]) return;
    let p = kk - 1;
    while (p > 0 && bestDist[base + p - 1] > dist) {
      bestDist[base + p] = bestDist[base + p - 1];
      bestIdx[base + p] = bestIdx[base + p - 1];
      p--;
    }
    bestDist[base + p] = dist;
    bestIdx[base + p] = j;
  };
  for (let i = 0; i < n; i++) {
    const ai = i * d;
    for (let j = i + 1; j < n; j++) {
      const bj = j * d;
      let dot = 0;
      for (let f = 0; f < d; f++) dot += data[ai + f] * data[bj + f];
      const dist = Math.max(0, norms[i] + norms[j] - 2 * dot);
      offer(i, j, dist);
      offer(j, i, dist);
    }
  }
  let sigma2 = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    const last = bestDist[i * kk + kk - 1];
    if (kk > 0 && Number.isFinite(last)) { sigma2 += last; counted++; }
  }
  sigma2 = counted > 0 && sigma2 > 0 ? sigma2 / counted : 1;

  // Symmetrise: collect both directions, then merge duplicates.
  const adjacency: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < kk; p++) {
      const j = bestIdx[i * kk + p];
      if (j < 0) continue;
      const w = Math.exp(-bestDist[i * kk + p] / sigma2);
      adjacency[i].set(j, w);
      adjacency[j].set(i, w);
    }
  }
  const rowStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowStart[i + 1] = rowStart[i] + adjacency[i].size;
  const cols = new Int32Array(rowStart[n]);
  const weights = new Float32Array(rowStart[n]);
  for (let i = 0; i < n; i++) {
    let p = rowStart[i];
    for (const [j, w] of [...adjacency[i]].sort((a, b) => a[0] - b[0])) {
      cols[p] = j;
      weights[p] = w;
      p++;
    }
  }
  return { n, rowStart, cols, weights };
}
