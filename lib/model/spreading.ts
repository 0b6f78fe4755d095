import type { Probs } from '../al/types';
import type { Graph } from './knn';

export interface SpreadOptions {
  /** How far labels travel (Zhou et al. 2004): near 1, far. FACTS.md measured 0.99 best here. */
  alpha?: number;
  /** Relative residual at which the conjugate-gradient solve stops. */
  tolerance?: number;
  maxIterations?: number;
}

/**
 * Label spreading (Zhou et al. 2004) with class-mass normalisation (Zhu et
 * al. 2003): F = (I − αS)⁻¹ Y with S = D^−½ W D^−½, solved exactly (to the
 * tolerance) by conjugate gradients — I − αS is symmetric positive definite —
 * rather than by the slowly converging fixed-point iteration. Each class's
 * column is then scaled so its total mass matches that class's share among
 * the labels (Laplace-smoothed), which FACTS.md found worth 0.58 → 0.9
 * accuracy at 50 labels. Rows are normalised into probabilities; nodes no
 * label reaches get the class prior.
 *
 * `labels[i]` is the class of node i, or −1 when unlabeled.
 */
export function spreadLabels(graph: Graph, labels: Int32Array, k: number, opts: SpreadOptions = {}): Probs {
  const { n, rowStart, cols, weights } = graph;
  if (labels.length !== n) throw new Error(`spreadLabels: ${labels.length} labels for ${n} nodes`);
  const alpha = opts.alpha ?? 0.99;
  const tol = opts.tolerance ?? 1e-6;
  const maxIter = opts.maxIterations ?? 1000;

  const deg = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let p = rowStart[i]; p < rowStart[i + 1]; p++) deg[i] += weights[p];
  const invSqrt = deg.map((v) => (v > 0 ? 1 / Math.sqrt(v) : 0));
  const s = new Float64Array(cols.length);
  for (let i = 0; i < n; i++) for (let p = rowStart[i]; p < rowStart[i + 1]; p++) s[p] = weights[p] * invSqrt[i] * invSqrt[cols[p]];

  const counts = new Float64Array(k);
  let labeled = 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (c >= 0) {
      if (c >= k) throw new Error(`spreadLabels: class ${c} at node ${i} is not below k = ${k}`);
      counts[c]++;
      labeled++;
    }
  }
  const prior = Array.from(counts, (v) => (v + 1) / (labeled + k));

  // Solve all k systems at once: every vector below is n × k.
  const applyA = (x: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) out[i * k + c] = x[i * k + c];
      for (let p = rowStart[i]; p < rowStart[i + 1]; p++) {
        const w = alpha * s[p];
        const j = cols[p] * k;
        for (let c = 0; c < k; c++) out[i * k + c] -= w * x[j + c];
      }
    }
  };
  const f = new Float64Array(n * k);
  const r = new Float64Array(n * k);
  for (let i = 0; i < n; i++) if (labels[i] >= 0) r[i * k + labels[i]] = 1 - alpha;
  const dir = Float64Array.from(r);
  const ad = new Float64Array(n * k);
  const rr = new Float64Array(k);
  const bNorm = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) rr[c] += r[i * k + c] ** 2;
  bNorm.set(rr);
  const active = Array.from(bNorm, (v) => v > 0);
  for (let it = 0; it < maxIter && active.some(Boolean); it++) {
    applyA(dir, ad);
    const dAd = new Float64Array(k);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) dAd[c] += dir[i * k + c] * ad[i * k + c];
    const step = Array.from({ length: k }, (_, c) => (active[c] && dAd[c] > 0 ? rr[c] / dAd[c] : 0));
    const next = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        if (step[c] === 0) continue;
        f[i * k + c] += step[c] * dir[i * k + c];
        r[i * k + c] -= step[c] * ad[i * k + c];
        next[c] += r[i * k + c] ** 2;
      }
    }
    const beta = Array.from({ length: k }, (_, c) => (step[c] === 0 ? 0 : next[c] / rr[c]));
    for (let c = 0; c < k; c++) {
      if (step[c] === 0 || next[c] <= tol * tol * bNorm[c]) active[c] = false;
      rr[c] = next[c];
    }
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) if (active[c]) dir[i * k + c] = r[i * k + c] + beta[c] * dir[i * k + c];
  }

  // Class-mass normalisation.
  const mass = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) mass[c] += Math.max(0, f[i * k + c]);
  const scale = Array.from(mass, (m, c) => (m > 0 ? prior[c] / m : 0));
  const data = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.max(0, f[i * k + c]) * scale[c];
    for (let c = 0; c < k; c++) data[i * k + c] = sum > 1e-300 ? (Math.max(0, f[i * k + c]) * scale[c]) / sum : prior[c];
  }
  return { n, k, data };
}

/** What label spreading reads: the graph of the embedding, and graphs of other views of the same items (pipeline.ts `Features`). */
export interface ViewGraphs {
  graph: Graph;
  otherViews?: readonly Graph[];
}

/**
 * Label spreading on each view's graph, the class probabilities averaged: the views err on
 * different items (on digits, pixels' UMAP and HOG's UMAP; docs/benchmarks.md 2026-12-05), so
 * one label per class at its most typical item reached 91–94% where either view alone reached 84–89%.
 */
export function spreadViews(views: ViewGraphs, labels: Int32Array, k: number, opts: SpreadOptions = {}): Probs {
  const first = spreadLabels(views.graph, labels, k, opts);
  const others = views.otherViews ?? [];
  if (others.length === 0) return first;
  const data = Float32Array.from(first.data);
  for (const g of others) {
    const p = spreadLabels(g, labels, k, opts);
    for (let i = 0; i < data.length; i++) data[i] += p.data[i];
  }
  const m = others.length + 1;
  for (let i = 0; i < data.length; i++) data[i] /= m;
  return { n: first.n, k, data };
}
