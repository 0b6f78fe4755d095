import type { Scalar, Tensor, Tensor2D, Variable } from '@tensorflow/tfjs';
import type { Embeddings, Probs, Samples } from '../../lib/al';
import type { DenseHead, DenseHeadInput, DenseModel } from '../../lib/model';
import type { Tf } from './tf';

/**
 * A small dense head on frozen embeddings, trained with TensorFlow.js on the
 * trainer's backend (`loadTf()`: tfjs-node-gpu or wasm):
 *
 *   x (standardised) → Dense(hidden, relu) → Dropout(p) → Dense(k, softmax)
 *
 * `hidden: 0` makes it a softmax (multinomial logistic) head with the dropout
 * on its inputs. Trained full-batch with Adam on the labeled rows, dropout on,
 * weights initialised from the seed (Glorot uniform), so a seed gives the same
 * head every time on one backend.
 *
 * MC dropout (Gal & Ghahramani 2016; Gal et al. 2017 for BALD): at inference
 * the dropout stays on and every row gets `passes` stochastic predictions,
 * each pass with its own seeded mask (`tf.dropout(…, seed)`), so the passes
 * differ from one another and repeat exactly for a seed. Everything here is
 * synchronous (`optimizer.minimize`, `dataSync`): tfjs computes eagerly on
 * both backends, and the caller (`trainRound` in lib/model) stays a plain
 * function.
 */
export interface DenseHeadOptions {
  /** Units of the hidden layer; 0: no hidden layer (a softmax head). */
  hidden?: number;
  /** Dropout rate, in training and in the MC passes. */
  dropout?: number;
  /** Full-batch Adam steps. */
  steps?: number;
  learningRate?: number;
  /** L2 penalty on the weights (not the biases). */
  l2?: number;
}

export const HEAD_DEFAULTS: Required<DenseHeadOptions> = { hidden: 64, dropout: 0.5, steps: 150, learningRate: 0.01, l2: 1e-4 };

/** Rows per tensor at inference: bounds the memory of scoring a million-item pool. */
const ROWS_PER_CHUNK = 32_768;

export interface TrainedHead {
  /** Class probabilities of every row, dropout off. */
  predict(x: Embeddings): Probs;
  /** `passes` MC-dropout predictions of the given rows (others stay 0), pass-major as Samples are. */
  mcDropout(x: Embeddings, rows: Int32Array, passes: number, seed: number): Samples;
  dispose(): void;
}

/** The head's name in model versions: what it is, in the words of the options. */
export function headName(opts: DenseHeadOptions = {}): string {
  const o = { ...HEAD_DEFAULTS, ...opts };
  return o.hidden > 0 ? `tfjs-mlp${o.hidden}-dropout${o.dropout}` : `tfjs-softmax-dropout${o.dropout}`;
}

/** Mean and one overall scale of the rows (not per feature: that would blow up PCA's noise directions). */
function standardiser(x: Embeddings): { mean: Float32Array; scale: number } {
  const { n, d, data } = x;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f] += data[i * d + f];
  for (let f = 0; f < d; f++) mean[f] /= Math.max(1, n);
  let ss = 0;
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) ss += (data[i * d + f] - mean[f]) ** 2;
  const rms = Math.sqrt(ss / Math.max(1, n * d));
  return { mean: Float32Array.from(mean), scale: rms > 0 ? 1 / rms : 1 };
}

/** Trains the head on `labels[j]` of row `rows[j]`. */
export function trainDenseHead(tf: Tf, x: Embeddings, rows: Int32Array, labels: Int32Array, k: number, seed: number, opts: DenseHeadOptions = {}): TrainedHead {
  const o = { ...HEAD_DEFAULTS, ...opts };
  if (rows.length !== labels.length) throw new Error(`trainDenseHead: ${rows.length} rows but ${labels.length} labels`);
  const { d } = x;
  const { mean, scale } = standardiser(x);
  const meanT = tf.tensor1d(mean);
  const inputs = (from: number, to: number, pick?: Int32Array): Tensor2D => {
    const m = pick ? pick.length : to - from;
    const buf = new Float32Array(m * d);
    for (let j = 0; j < m; j++) {
      const r = pick ? pick[j] : from + j;
      buf.set(x.data.subarray(r * d, (r + 1) * d), j * d);
    }
    return tf.tidy(() => tf.tensor2d(buf, [m, d]).sub(meanT).mul(scale) as Tensor2D);
  };
  const width = o.hidden > 0 ? o.hidden : d;
  // Each initial value is freed once its variable holds a copy.
  const variable = <T extends Tensor>(init: () => T): Variable => {
    const value = init();
    const v = tf.variable(value);
    value.dispose();
    return v;
  };
  const w1 = o.hidden > 0 ? variable(() => tf.initializers.glorotUniform({ seed }).apply([d, o.hidden]) as Tensor2D) : null;
  const b1 = o.hidden > 0 ? variable(() => tf.zeros([o.hidden])) : null;
  const w2 = variable(() => tf.initializers.glorotUniform({ seed: seed + 1 }).apply([width, k]) as Tensor2D);
  const b2 = variable(() => tf.zeros([k]));
  const vars = [w1, b1, w2, b2].filter((v): v is Variable => v !== null);

  /** The layer before the output (relu of the hidden layer, or the inputs). */
  const features = (xs: Tensor2D): Tensor2D => (w1 && b1 ? tf.relu(xs.matMul(w1).add(b1)) as Tensor2D : xs);
  const logits = (h: Tensor2D): Tensor2D => h.matMul(w2).add(b2) as Tensor2D;

  if (rows.length > 0) {
    const xs = inputs(0, 0, rows);
    const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), k).toFloat());
    const optimizer = tf.train.adam(o.learningRate);
    for (let step = 0; step < o.steps; step++) {
      const loss = optimizer.minimize(() => {
        const h = tf.dropout(features(xs), o.dropout, undefined, seed * 1009 + step) as Tensor2D;
        const ce = tf.losses.softmaxCrossEntropy(ys, logits(h));
        const penalty = (w1 ? w1.square().sum().add(w2.square().sum()) : w2.square().sum());
        return ce.add(penalty.mul(o.l2)) as Scalar;
      }, false, vars);
      loss?.dispose();
    }
    optimizer.dispose();
    xs.dispose();
    ys.dispose();
  }

  return {
    predict(pool) {
      const out = new Float32Array(pool.n * k);
      for (let from = 0; from < pool.n; from += ROWS_PER_CHUNK) {
        const to = Math.min(pool.n, from + ROWS_PER_CHUNK);
        const xs = inputs(from, to);
        out.set(tf.tidy(() => tf.softmax(logits(features(xs))).dataSync() as Float32Array), from * k);
        xs.dispose();
      }
      return { n: pool.n, k, data: out };
    },
    mcDropout(pool, rowsToScore, passes, passSeed) {
      const { n } = pool;
      const data = new Float32Array(passes * n * k);
      for (let from = 0, chunk = 0; from < rowsToScore.length; from += ROWS_PER_CHUNK, chunk++) {
        const pick = rowsToScore.subarray(from, Math.min(rowsToScore.length, from + ROWS_PER_CHUNK));
        const xs = inputs(0, 0, pick);
        const h = tf.tidy(() => features(xs));
        for (let s = 0; s < passes; s++) {
          const p = tf.tidy(() => tf.softmax(logits(tf.dropout(h, o.dropout, undefined, (passSeed * 7919 + chunk) * 131 + s) as Tensor2D)).dataSync() as Float32Array);
          for (let j = 0; j < pick.length; j++) data.set(p.subarray(j * k, (j + 1) * k), (s * n + pick[j]) * k);
        }
        h.dispose();
        xs.dispose();
      }
      return { n, k, t: passes, data };
    },
    dispose() {
      meanT.dispose();
      for (const v of vars) v.dispose();
    },
  };
}

/** The head as `trainRound` takes it (lib/model's DenseHead): trained per round, freed by the round. */
export function createDenseHead(tf: Tf, opts: DenseHeadOptions = {}): DenseHead {
  const name = headName(opts);
  return (input: DenseHeadInput): DenseModel => {
    const head = trainDenseHead(tf, input.embeddings, input.rows, input.labels, input.k, input.seed, opts);
    return {
      name,
      predict: () => head.predict(input.embeddings),
      passes: (rows, t, seed) => head.mcDropout(input.embeddings, rows, t, seed),
      dispose: () => head.dispose(),
    };
  };
}
