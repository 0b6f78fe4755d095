import type { Probs, Samples, Votes } from './types';

/**
 * Per-item acquisition scores: one pass over a flat n × k block, no allocation per item.
 * Every function returns a Float32Array of n scores (or fills `out` when given, so a trainer
 * can reuse one buffer across versions). Higher = more worth labeling, except `confidence`,
 * which is the easy-item score of the fatigue stream (higher = easier). Logs are natural;
 * 0 · log 0 counts as 0.
 */

function scoresFor(n: number, out: Float32Array | undefined): Float32Array {
  if (out === undefined) return new Float32Array(n);
  if (out.length !== n) throw new RangeError(`out has length ${out.length}, expected ${n}`);
  return out;
}

/** Least confidence: 1 − max_c p. */
export function leastConfidence(probs: Probs, out?: Float32Array): Float32Array {
  const { n, k, data } = probs;
  const r = scoresFor(n, out);
  for (let i = 0, off = 0; i < n; i++, off += k) {
    let top = data[off];
    for (let c = 1; c < k; c++) if (data[off + c] > top) top = data[off + c];
    r[i] = 1 - top;
  }
  return r;
}

/** The model's confidence, max_c p: the score of easy items (higher = easier). */
export function confidence(probs: Probs, out?: Float32Array): Float32Array {
  const { n, k, data } = probs;
  const r = scoresFor(n, out);
  for (let i = 0, off = 0; i < n; i++, off += k) {
    let top = data[off];
    for (let c = 1; c < k; c++) if (data[off + c] > top) top = data[off + c];
    r[i] = top;
  }
  return r;
}

/** Margin score: 1 − (p₁ − p₂) for the two largest probabilities, so a smaller margin scores higher (k = 1: p₂ = 0). */
export function margin(probs: Probs, out?: Float32Array): Float32Array {
  const { n, k, data } = probs;
  const r = scoresFor(n, out);
  for (let i = 0, off = 0; i < n; i++, off += k) {
    let p1 = data[off];
    let p2 = 0;
    for (let c = 1; c < k; c++) {
      const p = data[off + c];
      if (p > p1) {
        p2 = p1;
        p1 = p;
      } else if (p > p2) p2 = p;
    }
    r[i] = 1 - (p1 - p2);
  }
  return r;
}

/** Predictive entropy: −Σ_c p log p. */
export function entropy(probs: Probs, out?: Float32Array): Float32Array {
  const { n, k, data } = probs;
  const r = scoresFor(n, out);
  for (let i = 0, off = 0; i < n; i++, off += k) {
    let h = 0;
    for (let c = 0; c < k; c++) {
      const p = data[off + c];
      if (p > 0) h -= p * Math.log(p);
    }
    r[i] = h;
  }
  return r;
}

/**
 * BALD (Houlsby et al. 2011; Gal et al. 2017 with MC dropout): the mutual information between
 * the prediction and the model, H(mean_s p_s) − mean_s H(p_s). 0 when all passes agree, larger
 * when they disagree confidently. Clamped at 0 against rounding.
 */
export function bald(samples: Samples, out?: Float32Array): Float32Array {
  const { n, k, t, data } = samples;
  const r = scoresFor(n, out);
  const mean = new Float64Array(k);
  const block = n * k;
  for (let i = 0; i < n; i++) {
    mean.fill(0);
    let sumH = 0;
    for (let s = 0, off = i * k; s < t; s++, off += block) {
      for (let c = 0; c < k; c++) {
        const p = data[off + c];
        mean[c] += p;
        if (p > 0) sumH -= p * Math.log(p);
      }
    }
    let hMean = 0;
    for (let c = 0; c < k; c++) {
      const p = mean[c] / t;
      if (p > 0) hMean -= p * Math.log(p);
    }
    const mi = hMean - sumH / t;
    r[i] = mi > 0 ? mi : 0;
  }
  return r;
}

/**
 * Vote entropy (query by committee): −Σ_c (V_c / m) log(V_c / m), where V_c is how many of the
 * m members voted c. 0 when the committee is unanimous, log min(m, k) at most.
 */
export function voteEntropy(votes: Votes, out?: Float32Array): Float32Array {
  const { n, k, m, data } = votes;
  const r = scoresFor(n, out);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    counts.fill(0);
    for (let j = 0, off = i; j < m; j++, off += n) {
      const v = data[off];
      if (!(v >= 0 && v < k)) throw new RangeError(`vote ${v} of member ${j} for item ${i} is not a class in [0, ${k})`);
      counts[v]++;
    }
    let h = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] > 0) {
        const q = counts[c] / m;
        h -= q * Math.log(q);
      }
    }
    r[i] = h;
  }
  return r;
}

/** Hard votes from stochastic passes or ensemble members: each pass votes its argmax (ties: the lower class). */
export function votesFromSamples(samples: Samples): Votes {
  const { n, k, t, data } = samples;
  const out = new Int32Array(n * t);
  for (let s = 0; s < t; s++) {
    for (let i = 0; i < n; i++) {
      const off = (s * n + i) * k;
      let best = 0;
      for (let c = 1; c < k; c++) if (data[off + c] > data[off + best]) best = c;
      out[s * n + i] = best;
    }
  }
  return { n, k, m: t, data: out };
}
