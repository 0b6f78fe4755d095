import type { Embeddings, Probs } from '../al/types';

/** A multinomial logistic regression head: k × (d + 1) weights, the last column the bias. */
export interface SoftmaxHead {
  d: number;
  k: number;
  weights: Float32Array;
}

export interface SoftmaxOptions {
  /** L2 penalty on the weights (not the bias), per labeled item. */
  l2?: number;
  iterations?: number;
  learningRate?: number;
}

/**
 * Trains a softmax head on the labeled rows of frozen embeddings by full-batch
 * gradient descent with Adam: the head for pools too large for the neighbour
 * graph (label spreading needs all pairs' distances). Features are
 * standardised by the caller's embedding (PCA or a network's). Deterministic:
 * zero init, no sampling. Hand-written: a few hundred labels × 128 features
 * is a millisecond problem, not worth a tensor library.
 */
export function trainSoftmax(x: Embeddings, rows: Int32Array, labels: Int32Array, k: number, opts: SoftmaxOptions = {}): SoftmaxHead {
  const { d, data } = x;
  const m = rows.length;
  const l2 = opts.l2 ?? 1e-3;
  const iterations = opts.iterations ?? 300;
  const lr = opts.learningRate ?? 0.05;
  const width = d + 1;
  const w = new Float64Array(k * width);
  const mom = new Float64Array(k * width);
  const vel = new Float64Array(k * width);
  const grad = new Float64Array(k * width);
  const p = new Float64Array(k);
  for (let it = 1; it <= iterations && m > 0; it++) {
    grad.fill(0);
    for (let r = 0; r < m; r++) {
      const base = rows[r] * d;
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        let z = w[c * width + d];
        for (let f = 0; f < d; f++) z += w[c * width + f] * data[base + f];
        p[c] = z;
        if (z > max) max = z;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) { p[c] = Math.exp(p[c] - max); sum += p[c]; }
      for (let c = 0; c < k; c++) {
        const g = p[c] / sum - (labels[r] === c ? 1 : 0);
        for (let f = 0; f < d; f++) grad[c * width + f] += g * data[base + f];
        grad[c * width + d] += g;
      }
    }
    for (let j = 0; j < grad.length; j++) {
      const g = grad[j] / m + (j % width === d ? 0 : l2 * w[j]);
      mom[j] = 0.9 * mom[j] + 0.1 * g;
      vel[j] = 0.999 * vel[j] + 0.001 * g * g;
      const mh = mom[j] / (1 - 0.9 ** it);
      const vh = vel[j] / (1 - 0.999 ** it);
      w[j] -= (lr * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  return { d, k, weights: Float32Array.from(w) };
}

/** Class probabilities of every row (n × k), one pass, no allocation per row. */
export function predictSoftmax(head: SoftmaxHead, x: Embeddings): Probs {
  const { d, k, weights } = head;
  if (x.d !== d) throw new Error(`predictSoftmax: embeddings have ${x.d} features, the head ${d}`);
  const width = d + 1;
  const out = new Float32Array(x.n * k);
  const z = new Float64Array(k);
  for (let i = 0; i < x.n; i++) {
    const base = i * d;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = weights[c * width + d];
      const wb = c * width;
      for (let f = 0; f < d; f++) s += weights[wb + f] * x.data[base + f];
      z[c] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) { z[c] = Math.exp(z[c] - max); sum += z[c]; }
    for (let c = 0; c < k; c++) out[i * k + c] = z[c] / sum;
  }
  return { n: x.n, k, data: out };
}
