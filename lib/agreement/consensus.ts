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
 * Dawid–Skene, teach the confusion matrices with certainty. Each confusion row is smoothed by
 * `smoothing` pseudo-answers (a Dirichlet prior, empirical Bayes) whose mean is the
 * annotator's own overall accuracy on the diagonal, with the rest spread as the team's
 * mistakes of that class are: an annotator with one answer gets a team-shaped row rather than
 * a 0/1 one, a row with a few answers is mostly "how often this person is right", and one with
 * hundreds is their own. Ten pseudo-answers (about one per class of a 10-class task) lifted
 * Dawid–Skene on overlapped items from 90.0% (2) to 92.1% at k = 2 in bench:quality's tuning
 * seeds. Deterministic: no randomness, a fixed order of work.
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
  /** Dawid–Skene: stop when no confusion-matrix cell or class prior moves more than this in a round (default 1e-3: EM's slow tail can take hundreds of rounds of changes too small to move a label). */
  tolerance?: number;
  /** Dawid–Skene: pseudo-answers per confusion row, drawn towards the annotator's accuracy and the team's mistakes (default 10). */
  smoothing?: number;
}

export const POSTERIOR_FLOOR = 1e-4;

/**
 * Ratings may come coded already (`codeRatings`, e.g. shared with `coefficients`): then their
 * label order stands and `classes` is not read; a gold class they lack is added at the end.
 */
export function consensus(r: readonly Rating[] | CodedRatings, opts: ConsensusOptions): ConsensusResult {
  const gold = opts.gold ?? new Map<string, string>();
  const c = 'start' in r ? withLabels(r, gold.values()) : codeRatings(r, { classes: opts.classes, extraLabels: gold.values() });
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
      maxIterations: opts.maxIterations ?? 100, tolerance: opts.tolerance ?? 1e-3, smoothing: opts.smoothing ?? 10,
    });
    iterations = model.iterations;
  }
  const chosen = new Int32Array(I);
  const items = new Map<string, ItemConsensus>();
  for (let i = 0; i < I; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (T[i * K + k] > T[i * K + best]) best = k;
    chosen[i] = best;
    items.set(c.items[i], new ItemView(c.labels[best], T[i * K + best], c.start[i + 1] - c.start[i], c.labels, T, i * K));
  }
  return { items, annotators: reliability(c, goldOf, chosen, model), iterations, priors: model ? record(c.labels, model.prior, 0) : null };
}

/**
 * One item's consensus. The posterior is a getter that builds its record on first read and
 * `toJSON` includes it: building 100,000 records of class names up front, or a closure per
 * item, cost more than the whole Dawid–Skene fit (garbage collection, mostly). Spread
 * (`{...c}`) copies label, confidence and answers only; read `posterior` by name.
 */
class ItemView implements ItemConsensus {
  readonly #labels: readonly string[];
  readonly #T: Float64Array;
  readonly #at: number;
  #posterior: Record<string, number> | undefined;
  constructor(readonly label: string, readonly confidence: number, readonly answers: number, labels: readonly string[], T: Float64Array, at: number) {
    this.#labels = labels;
    this.#T = T;
    this.#at = at;
  }

  get posterior(): Record<string, number> {
    if (!this.#posterior) {
      const p: Record<string, number> = {};
      for (let k = 0; k < this.#labels.length; k++) if (this.#T[this.#at + k] >= POSTERIOR_FLOOR) p[this.#labels[k]] = this.#T[this.#at + k];
      this.#posterior = p;
    }
    return this.#posterior;
  }

  toJSON(): ItemConsensus {
    return { label: this.label, confidence: this.confidence, posterior: this.posterior, answers: this.answers };
  }
}

function withLabels(c: CodedRatings, extra: Iterable<string>): CodedRatings {
  const known = new Set(c.labels);
  const more = [...new Set(extra)].filter((l) => !known.has(l));
  return more.length === 0 ? c : { ...c, labels: [...c.labels, ...more] };
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

/**
 * EM in place on T (item × class posteriors). The order of work is fixed, so the result is too.
 *
 * Items answered once (most of a project: overlap is a share) teach the class priors but not
 * the confusion matrices. In textbook Dawid–Skene they count towards both, but an answer nobody
 * else gave agrees with whatever the current matrix says (its posterior is that matrix's row),
 * so it only slows EM down: with 2,700 such items beside 300 overlapped ones, rounds stopped at
 * the tolerance short of the fixed point and consensus on overlapped items was 3–4 points worse
 * (bench:quality). Their posterior depends only on who answered what, so they are folded into
 * one row per (annotator, label) with a count: a round costs O(J·K² + overlapped answers · K).
 */
function dawidSkene(c: CodedRatings, goldOf: Int32Array, T: Float64Array, o: { maxIterations: number; tolerance: number; smoothing: number }): DawidSkene {
  const K = c.labels.length;
  const I = c.items.length;
  const J = c.annotators.length;
  const single = new Float64Array(J * K); // items answered once, by (annotator, label)
  const singlePost = new Float64Array(J * K * K);
  const rest: number[] = [];
  for (let i = 0; i < I; i++) {
    if (c.start[i + 1] - c.start[i] === 1 && goldOf[i] < 0) {
      const s = c.annotator[c.start[i]] * K + c.label[c.start[i]];
      if (single[s]++ === 0) for (let k = 0; k < K; k++) singlePost[s * K + k] = T[i * K + k];
    } else rest.push(i);
  }
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
    for (let s = 0; s < J * K; s++) {
      const n = single[s];
      if (n === 0) continue;
      for (let k = 0; k < K; k++) prior[k] += n * singlePost[s * K + k];
    }
    for (const i of rest) {
      for (let k = 0; k < K; k++) prior[k] += T[i * K + k];
      for (let p = c.start[i]; p < c.start[i + 1]; p++) {
        const base = c.annotator[p] * K * K + c.label[p];
        for (let k = 0; k < K; k++) counts[base + k * K] += T[i * K + k];
      }
    }
    let moved = 0;
    for (let k = 0; k < K; k++) {
      const v = Math.log((prior[k] + 1) / (I + K));
      if (round > 0 && Math.abs(Math.exp(v) - Math.exp(logPrior[k])) > moved) moved = Math.abs(Math.exp(v) - Math.exp(logPrior[k]));
      logPrior[k] = v;
    }
    if (round === 0) moved = Infinity;
    // The team's matrix, with a little Laplace so that no cell is ever 0, and its accuracy.
    team.fill(0);
    for (let j = 0; j < J; j++) for (let x = 0; x < K * K; x++) team[x] += counts[j * K * K + x];
    let teamRight = 0;
    let teamAll = 0;
    for (let k = 0; k < K; k++) {
      let sum = 0;
      for (let l = 0; l < K; l++) sum += team[k * K + l] + 0.01;
      teamRight += team[k * K + k];
      for (let l = 0; l < K; l++) teamAll += team[k * K + l];
      for (let l = 0; l < K; l++) team[k * K + l] = (team[k * K + l] + 0.01) / sum;
    }
    const teamAccuracy = (teamRight + 1) / (teamAll + 2);
    for (let j = 0; j < J; j++) {
      // The prior's mean for j's rows: j's own overall accuracy on the diagonal (itself smoothed
      // towards the team's), the rest spread as the team's mistakes of that class are.
      let right = 0;
      let all = 0;
      for (let k = 0; k < K; k++) {
        right += counts[(j * K + k) * K + k];
        for (let l = 0; l < K; l++) all += counts[(j * K + k) * K + l];
      }
      const accuracy = (right + o.smoothing * teamAccuracy) / (all + o.smoothing);
      for (let k = 0; k < K; k++) {
        const base = (j * K + k) * K;
        const off = 1 - team[k * K + k];
        let sum = o.smoothing;
        for (let l = 0; l < K; l++) sum += counts[base + l];
        for (let l = 0; l < K; l++) {
          const mean = l === k ? accuracy : ((1 - accuracy) * team[k * K + l]) / off;
          const v = (counts[base + l] + o.smoothing * mean) / sum;
          if (Math.abs(v - pi[base + l]) > moved) moved = Math.abs(v - pi[base + l]);
          pi[base + l] = v;
          logPi[base + l] = Math.log(v);
        }
      }
    }
    // Converged when no confusion cell and no prior moved more than the tolerance.
    if (moved < o.tolerance) break;
    // E-step: each item's class posterior from the prior and its answers (gold stays clamped).
    for (let s = 0; s < J * K; s++) {
      if (single[s] === 0) continue;
      for (let k = 0; k < K; k++) row[k] = logPrior[k] + logPi[Math.floor(s / K) * K * K + k * K + (s % K)];
      normalise(row, singlePost, s * K);
    }
    for (const i of rest) {
      if (goldOf[i] >= 0) continue;
      for (let k = 0; k < K; k++) row[k] = logPrior[k];
      for (let p = c.start[i]; p < c.start[i + 1]; p++) {
        const base = c.annotator[p] * K * K + c.label[p];
        for (let k = 0; k < K; k++) row[k] += logPi[base + k * K];
      }
      normalise(row, T, i * K);
    }
  }
  for (let i = 0; i < I; i++) {
    if (c.start[i + 1] - c.start[i] !== 1 || goldOf[i] >= 0) continue;
    const s = c.annotator[c.start[i]] * K + c.label[c.start[i]];
    for (let k = 0; k < K; k++) T[i * K + k] = singlePost[s * K + k];
  }
  let total = 0;
  for (let k = 0; k < K; k++) total += prior[k];
  for (let k = 0; k < K; k++) prior[k] = total > 0 ? prior[k] / total : 1 / K;
  return { iterations, prior, pi };
}

/** Softmax of log-scores `row` into `into` at `at`. */
function normalise(row: Float64Array, into: Float64Array, at: number): void {
  const K = row.length;
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (row[k] > max) max = row[k];
  let sum = 0;
  for (let k = 0; k < K; k++) sum += (row[k] = Math.exp(row[k] - max));
  for (let k = 0; k < K; k++) into[at + k] = row[k] / sum;
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
