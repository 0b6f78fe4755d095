import { codeRatings, type CodedRatings, type Rating } from './ratings';

/**
 * One label per item from several annotators' answers, and how reliable each annotator is.
 *
 * - `majority`: the most frequent label; a tie goes to the label that comes first in the label
 *   order (the project's classes, then the other labels sorted: `labelOrder`). Confidence is
 *   the winner's vote share.
 * - `dawid-skene` (Dawid & Skene, 1979): EM over a confusion matrix per annotator (row: true
 *   class, column: the label given) and class priors, started from the majority vote shares.
 *   Confidence is the posterior of the chosen class.
 *
 * Gold items are clamped to their known class under both methods (confidence 1) and, in
 * Dawid–Skene, teach the confusion matrices with certainty. Each annotator's matrix is smoothed
 * towards the team's pooled matrix by `smoothing` pseudo-answers per row (empirical Bayes: a
 * Dirichlet prior whose mean is what the team does), so an annotator with one answer gets the
 * team's matrix rather than a 0/1 one, and one with hundreds gets their own. Deterministic: no
 * randomness, a fixed order of work.
 *
 * Only items with at least one rating get a consensus. Reliability per annotator:
 * `agreement`: share of their answers on items with ≥ 2 ratings that equal the consensus;
 * `accuracy`: Dawid–Skene's estimate Σ_k prior_k · π[k][k] (majority: the agreement);
 * `goldAccuracy`: share of their gold answers that are right; `confusion`: counts over their
 * answers on items with ≥ 2 ratings or gold, row = the consensus (gold: the known class),
 * column = their label, zero cells left out.
 */

export type ConsensusMethod = 'majority' | 'dawid-skene';
export const CONSENSUS_METHODS: readonly ConsensusMethod[] = ['majority', 'dawid-skene'];

export interface ItemConsensus {
  label: string;
  confidence: number;
  /** Probability per class; classes below POSTERIOR_FLOOR are left out. */
  posterior: Record<string, number>;
  answers: number;
}

export interface AnnotatorReliability {
  agreement: number | null;
  accuracy: number | null;
  goldAccuracy: number | null;
  goldAnswers: number;
  answers: number;
  /** Answers on items with ≥ 2 ratings (what `agreement` is measured on). */
  overlapped: number;
  confusion: Record<string, Record<string, number>>;
  /** Dawid–Skene's estimated confusion matrix, rows summing to 1 (null for majority). */
  estimatedConfusion: Record<string, Record<string, number>> | null;
}

export interface ConsensusResult {
  items: Map<string, ItemConsensus>;
  annotators: Map<string, AnnotatorReliability>;
  iterations: number;
  /** Dawid–Skene's estimated class priors (null for majority). */
  priors: Record<string, number> | null;
}

export interface ConsensusOptions {
  method: ConsensusMethod;
  /** Known classes of gold items, by item id. */
  gold?: ReadonlyMap<string, string>;
  /** The project's classes, in order (decides ties; classes nobody used still get a prior). */
  classes?: readonly string[];
  /** Dawid–Skene: EM rounds at most (default 100). */
  maxIterations?: number;
  /** Dawid–Skene: stop when no item's posterior moves more than this (default 1e-6). */
  tolerance?: number;
  /** Dawid–Skene: pseudo-answers per confusion row drawn towards the team's matrix (default 2). */
  smoothing?: number;
}

export const POSTERIOR_FLOOR = 1e-4;

export function consensus(r: readonly Rating[], opts: ConsensusOptions): ConsensusResult {
  const gold = opts.gold ?? new Map<string, string>();
  const c = codeRatings(r, { classes: opts.classes, extraLabels: gold.values() });
  const K = c.labels.length;
  const I = c.items.length;
  const goldOf = new Int32Array(I).fill(-1);
  if (gold.size > 0) {
    const labelIndex = new Map(c.labels.map((l, k) => [l, k]));
    c.items.forEach((id, i) => {
      const g = gold.get(id);
      if (g !== undefined) goldOf[i] = labelIndex.get(g)!;
    });
  }
  const T = majorityShares(c, goldOf);
  let iterations = 0;
  let model: DawidSkene | null = null;
  if (opts.method === 'dawid-skene' && I > 0) {
    model = dawidSkene(c, goldOf, T, {
      maxIterations: opts.maxIterations ?? 100, tolerance: opts.tolerance ?? 1e-6, smoothing: opts.smoothing ?? 2,
    });
    iterations = model.iterations;
  }
  const chosen = new Int32Array(I);
  const items = new Map<string, ItemConsensus>();
  for (let i = 0; i < I; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (T[i * K + k] > T[i * K + best]) best = k;
    chosen[i] = best;
    const posterior: Record<string, number> = {};
    for (let k = 0; k < K; k++) if (T[i * K + k] >= POSTERIOR_FLOOR) posterior[c.labels[k]] = T[i * K + k];
    items.set(c.items[i], { label: c.labels[best], confidence: T[i * K + best], posterior, answers: c.start[i + 1] - c.start[i] });
  }
  return { items, annotators: reliability(c, goldOf, chosen, model), iterations, priors: model ? record(c.labels, model.prior, 0) : null };
}

/** Vote shares per item (gold items one-hot on their class): majority's posterior and EM's start. */
function majorityShares(c: CodedRatings, goldOf: Int32Array): Float64Array {
  const K = c.labels.length;
  const T = new Float64Array(c.items.length * K);
  for (let i = 0; i < c.items.length; i++) {
    if (goldOf[i] >= 0) {
      T[i * K + goldOf[i]] = 1;
      continue;
    }
    const m = c.start[i + 1] - c.start[i];
    for (let p = c.start[i]; p < c.start[i + 1]; p++) T[i * K + c.label[p]] += 1 / m;
  }
  return T;
}

interface DawidSkene {
  iterations: number;
  prior: Float64Array;
  /** π[j][k][l] at (j·K + k)·K + l. */
  pi: Float64Array;
}

/** EM in place on T (item × class posteriors). The order of work is fixed, so the result is too. */
function dawidSkene(c: CodedRatings, goldOf: Int32Array, T: Float64Array, o: { maxIterations: number; tolerance: number; smoothing: number }): DawidSkene {
  const K = c.labels.length;
  const I = c.items.length;
  const J = c.annotators.length;
  const counts = new Float64Array(J * K * K);
  const pi = new Float64Array(J * K * K);
  const logPi = new Float64Array(J * K * K);
  const team = new Float64Array(K * K);
  const prior = new Float64Array(K);
  const logPrior = new Float64Array(K);
  const row = new Float64Array(K);
  let iterations = 0;
  for (let round = 0; round < o.maxIterations; round++) {
    iterations++;
    // M-step: soft counts of (true class, given label) per annotator, then smoothed rows.
    counts.fill(0);
    prior.fill(0);
    for (let i = 0; i < I; i++) {
      for (let k = 0; k < K; k++) prior[k] += T[i * K + k];
      for (let p = c.start[i]; p < c.start[i + 1]; p++) {
        const base = c.annotator[p] * K * K + c.label[p];
        for (let k = 0; k < K; k++) counts[base + k * K] += T[i * K + k];
      }
    }
    for (let k = 0; k < K; k++) logPrior[k] = Math.log((prior[k] + 1) / (I + K));
    team.fill(0);
    for (let j = 0; j < J; j++) for (let x = 0; x < K * K; x++) team[x] += counts[j * K * K + x];
    for (let k = 0; k < K; k++) {
      // The team's row, with a little Laplace so that no cell is ever 0.
      let sum = 0;
      for (let l = 0; l < K; l++) sum += team[k * K + l] + 0.01;
      for (let l = 0; l < K; l++) team[k * K + l] = (team[k * K + l] + 0.01) / sum;
    }
    for (let j = 0; j < J; j++) {
      for (let k = 0; k < K; k++) {
        const base = (j * K + k) * K;
        let sum = o.smoothing;
        for (let l = 0; l < K; l++) sum += counts[base + l];
        for (let l = 0; l < K; l++) {
          pi[base + l] = (counts[base + l] + o.smoothing * team[k * K + l]) / sum;
          logPi[base + l] = Math.log(pi[base + l]);
        }
      }
    }
    // E-step: posterior of each item's class from the prior and its answers.
    let moved = 0;
    for (let i = 0; i < I; i++) {
      if (goldOf[i] >= 0) continue;
      for (let k = 0; k < K; k++) row[k] = logPrior[k];
      for (let p = c.start[i]; p < c.start[i + 1]; p++) {
        const base = c.annotator[p] * K * K + c.label[p];
        for (let k = 0; k < K; k++) row[k] += logPi[base + k * K];
      }
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (row[k] > max) max = row[k];
      let sum = 0;
      for (let k = 0; k < K; k++) sum += (row[k] = Math.exp(row[k] - max));
      for (let k = 0; k < K; k++) {
        const v = row[k] / sum;
        const d = Math.abs(v - T[i * K + k]);
        if (d > moved) moved = d;
        T[i * K + k] = v;
      }
    }
    if (moved < o.tolerance) break;
  }
  let total = 0;
  for (let k = 0; k < K; k++) total += prior[k];
  for (let k = 0; k < K; k++) prior[k] = total > 0 ? prior[k] / total : 1 / K;
  return { iterations, prior, pi };
}

function reliability(c: CodedRatings, goldOf: Int32Array, chosen: Int32Array, model: DawidSkene | null): Map<string, AnnotatorReliability> {
  const K = c.labels.length;
  const J = c.annotators.length;
  const answers = new Int32Array(J);
  const overlapped = new Int32Array(J);
  const agreeing = new Int32Array(J);
  const goldAnswers = new Int32Array(J);
  const goldRight = new Int32Array(J);
  const confusion = new Int32Array(J * K * K);
  for (let i = 0; i < c.items.length; i++) {
    const m = c.start[i + 1] - c.start[i];
    const g = goldOf[i];
    for (let p = c.start[i]; p < c.start[i + 1]; p++) {
      const j = c.annotator[p];
      const l = c.label[p];
      answers[j]++;
      if (m >= 2) {
        overlapped[j]++;
        if (l === chosen[i]) agreeing[j]++;
      }
      if (g >= 0) {
        goldAnswers[j]++;
        if (l === g) goldRight[j]++;
      }
      if (m >= 2 || g >= 0) confusion[(j * K + (g >= 0 ? g : chosen[i])) * K + l]++;
    }
  }
  const out = new Map<string, AnnotatorReliability>();
  for (let j = 0; j < J; j++) {
    const agreement = overlapped[j] > 0 ? agreeing[j] / overlapped[j] : null;
    let accuracy = agreement;
    let estimatedConfusion: Record<string, Record<string, number>> | null = null;
    if (model) {
      accuracy = 0;
      estimatedConfusion = {};
      for (let k = 0; k < K; k++) {
        accuracy += model.prior[k] * model.pi[(j * K + k) * K + k];
        estimatedConfusion[c.labels[k]] = record(c.labels, model.pi.subarray((j * K + k) * K, (j * K + k + 1) * K), 0);
      }
    }
    const rows: Record<string, Record<string, number>> = {};
    for (let k = 0; k < K; k++) {
      const cells = record(c.labels, confusion.subarray((j * K + k) * K, (j * K + k + 1) * K), 1);
      if (Object.keys(cells).length > 0) rows[c.labels[k]] = cells;
    }
    out.set(c.annotators[j], {
      agreement, accuracy, goldAccuracy: goldAnswers[j] > 0 ? goldRight[j] / goldAnswers[j] : null, goldAnswers: goldAnswers[j],
      answers: answers[j], overlapped: overlapped[j], confusion: rows, estimatedConfusion,
    });
  }
  return out;
}

/** Values by label, keeping those ≥ `floor` (0 keeps all). */
function record(labels: readonly string[], values: ArrayLike<number>, floor: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let k = 0; k < labels.length; k++) if (floor === 0 || values[k] >= floor) out[labels[k]] = values[k];
  return out;
}
