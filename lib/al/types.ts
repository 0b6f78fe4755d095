/**
 * Shapes of the active-learning core. Every tensor is one flat typed array with its shape
 * spelled out beside it (row-major), so a pool of a million items costs one allocation, not a
 * million objects. Item indices are positions in the pool arrays (0 … n − 1).
 */

/** Class probabilities, n items × k classes: `data[i * k + c]` = p(c | item i). */
export interface Probs {
  n: number;
  k: number;
  data: Float32Array;
}

/** One embedding per item, n × d: `data[i * d + f]`. */
export interface Embeddings {
  n: number;
  d: number;
  data: Float32Array;
}

/**
 * Class probabilities from t stochastic passes (MC dropout) or t ensemble members, pass-major:
 * `data[(s * n + i) * k + c]`, so each pass is one n × k block, as a trainer produces it.
 */
export interface Samples {
  n: number;
  k: number;
  t: number;
  data: Float32Array;
}

/** Hard votes of a committee of m members, member-major: `data[j * n + i]` ∈ [0, k) is member j's class for item i. */
export interface Votes {
  n: number;
  k: number;
  m: number;
  data: Int32Array;
}

/**
 * A batch: item indices in pick order (the first is the one to label first) and the score
 * behind each pick (what the score means is documented by the function that made it).
 */
export interface Selection {
  indices: Int32Array;
  scores: Float32Array;
}
