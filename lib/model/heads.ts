import type { Embeddings, Probs } from '../al/types';
import { mulberry32 } from '../random';
import type { Graph } from './knn';
import { predictSoftmax, trainSoftmax } from './softmax';
import { spreadViews } from './spreading';

/**
 * The candidate heads a model version may use, simplest (the default) first: the order is the
 * one-standard-error rule's tie-break. Each turns training labels (class per node, −1 unlabeled)
 * into class probabilities. Why several: on some data the neighbour graph is the wrong prior
 * (issue 16 measured label spreading on CNN features below a logistic regression on raw pixels),
 * and a plain linear model is the floor the product should never fall under.
 */
export const HEAD_NAMES = ['spreading', 'logistic-embedding', 'logistic-pixels'] as const;
export type HeadName = (typeof HEAD_NAMES)[number];

/** What the heads may read: the embedding and its graph always, the raw (downsampled) pixels when the caller has them. */
export interface HeadData {
  embeddings: Embeddings;
  graph: Graph;
  /** Graphs of other views of the same items: spreading averages over every view (spreading.ts `spreadViews`). */
  otherViews?: readonly Graph[];
  /** Raw rows, e.g. 28×28 grey values in 0–1; without them `logistic-pixels` is not a candidate. */
  pixels?: Embeddings;
}

interface CandidateHead {
  name: HeadName;
  description: string;
  available(data: HeadData): boolean;
  /** Probabilities of `rows` (every node when omitted) from the training labels. */
  fit(data: HeadData, labels: Int32Array, k: number, rows?: Int32Array): Probs;
}

const HEADS: Record<HeadName, CandidateHead> = {
  spreading: {
    name: 'spreading',
    description: 'label spreading on the neighbour graph of the embedding',
    // An edgeless graph (pools above GRAPH_MAX_ITEMS) spreads nothing: every node gets the prior.
    available: (data) => data.graph.cols.length > 0,
    fit: (data, labels, k, rows) => pick(spreadViews(data, labels, k), rows),
  },
  'logistic-embedding': {
    name: 'logistic-embedding',
    description: 'multinomial logistic regression on the embedding',
    available: () => true,
    fit: (data, labels, k, rows) => logistic(data.embeddings, labels, k, rows),
  },
  'logistic-pixels': {
    name: 'logistic-pixels',
    description: 'multinomial logistic regression on the downsampled pixels',
    available: (data) => data.pixels !== undefined,
    fit: (data, labels, k, rows) => logistic(data.pixels!, labels, k, rows),
  },
};

export function headDescription(name: HeadName): string {
  return HEADS[name].description;
}

/** The probabilities of every node under one head. */
export function fitHead(name: HeadName, data: HeadData, labels: Int32Array, k: number): Probs {
  return HEADS[name].fit(data, labels, k);
}

function logistic(x: Embeddings, labels: Int32Array, k: number, rows?: Int32Array): Probs {
  const train: number[] = [];
  labels.forEach((c, i) => { if (c >= 0) train.push(i); });
  const trainRows = Int32Array.from(train);
  const head = trainSoftmax(x, trainRows, Int32Array.from(trainRows, (r) => labels[r]), k);
  return predictSoftmax(head, rows ? subset(x, rows) : x);
}

function subset(x: Embeddings, rows: Int32Array): Embeddings {
  const data = new Float32Array(rows.length * x.d);
  rows.forEach((r, j) => data.set(x.data.subarray(r * x.d, (r + 1) * x.d), j * x.d));
  return { n: rows.length, d: x.d, data };
}

function pick(p: Probs, rows?: Int32Array): Probs {
  if (!rows) return p;
  const data = new Float32Array(rows.length * p.k);
  rows.forEach((r, j) => data.set(p.data.subarray(r * p.k, (r + 1) * p.k), j * p.k));
  return { n: rows.length, k: p.k, data };
}

/** One candidate's cross-validated accuracy: the mean over folds and its standard error. */
export interface HeadScore {
  head: HeadName;
  accuracy: number;
  standardError: number;
}

/**
 * Which head a model version uses and why. `cv`: picked by cross-validation now; `reused`: the
 * previous pick, the labeled set having grown by less than REUSE_GROWTH since it was made;
 * `too-few-labels`: some class has fewer labels than folds (it would be missing from a fold), so the default;
 * `forced`: named by the caller (bench:al's BENCH_AL_HEAD), no CV.
 */
export interface HeadChoice {
  head: HeadName;
  reason: 'cv' | 'reused' | 'too-few-labels' | 'forced';
  /** Labels the choice was made on (for `reused`: those of the pick being reused). */
  labelCount: number;
  folds: number;
  /** Every candidate's CV score, in HEAD_NAMES order; empty unless reason is `cv` (or a reused `cv` pick). */
  scores: HeadScore[];
}

export const CV_FOLDS = 3;
/** CV runs again only once the labeled set has grown by this share since the last pick (it costs a few fits per head). */
export const REUSE_GROWTH = 0.25;

export interface SelectOptions {
  seed: number;
  folds?: number;
  /** Restrict the candidates (bench:heads, tests); default every available head. */
  candidates?: readonly HeadName[];
  /** The previous version's choice: reused until the labeled set grows by REUSE_GROWTH. */
  previous?: HeadChoice;
}

/**
 * Picks the head by seeded, stratified k-fold cross-validation on the labeled nodes (not the
 * holdout: it is small, and choosing on it would bias the figures reported from it), with the
 * one-standard-error rule: the first head in HEAD_NAMES order whose mean accuracy is within one
 * standard error of the best one's. Ties and noise thus keep the default, and a head wins only
 * by a margin the folds can see. Pure: the same inputs and seed give the same choice.
 */
export function selectHead(data: HeadData, labels: Int32Array, k: number, opts: SelectOptions): HeadChoice {
  const folds = opts.folds ?? CV_FOLDS;
  const candidates = HEAD_NAMES.filter((h) => (opts.candidates ?? HEAD_NAMES).includes(h) && HEADS[h].available(data));
  const fallback: HeadName = candidates[0] ?? 'logistic-embedding';
  const byClass: number[][] = Array.from({ length: k }, () => []);
  labels.forEach((c, i) => { if (c >= 0) byClass[c].push(i); });
  const labelCount = byClass.reduce((s, r) => s + r.length, 0);
  const prev = opts.previous;
  if (prev && (prev.reason === 'cv' || prev.reason === 'reused') && candidates.includes(prev.head) && labelCount < prev.labelCount * (1 + REUSE_GROWTH)) {
    return { ...prev, reason: 'reused' };
  }
  // Every labeled class in every fold: with fewer labels a fold's score swings on one item (on 2 labels a class,
  // tandem simulate's 3-shape test saw CV leave spreading's 100% for a logistic head's 89%).
  if (candidates.length < 2 || byClass.some((r) => r.length > 0 && r.length < folds) || labelCount < folds) {
    return { head: fallback, reason: 'too-few-labels', labelCount, folds, scores: [] };
  }
  const fold = stratifiedFolds(byClass, labels.length, folds, opts.seed);
  const acc = candidates.map(() => new Float64Array(folds));
  for (let f = 0; f < folds; f++) {
    const train = Int32Array.from(labels, (c, i) => (fold[i] === f ? -1 : c));
    const test: number[] = [];
    fold.forEach((g, i) => { if (g === f) test.push(i); });
    const rows = Int32Array.from(test);
    candidates.forEach((h, j) => {
      const p = HEADS[h].fit(data, train, k, rows);
      let hits = 0;
      rows.forEach((r, q) => { if (argmax(p.data, q * k, k) === labels[r]) hits++; });
      acc[j][f] = rows.length > 0 ? hits / rows.length : 0;
    });
  }
  const scores: HeadScore[] = candidates.map((head, j) => {
    const mean = acc[j].reduce((s, v) => s + v, 0) / folds;
    const sd = Math.sqrt(acc[j].reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, folds - 1));
    return { head, accuracy: mean, standardError: sd / Math.sqrt(folds) };
  });
  const best = scores.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const head = scores.find((s) => s.accuracy >= best.accuracy - best.standardError)!.head;
  return { head, reason: 'cv', labelCount, folds, scores };
}

/** Fold of every node (−1: unlabeled): each class's nodes shuffled (seeded) and dealt round-robin, continuing across classes so folds stay even. */
function stratifiedFolds(byClass: number[][], n: number, folds: number, seed: number): Int32Array {
  const fold = new Int32Array(n).fill(-1);
  const rand = mulberry32(seed * 2654435761 + 29);
  let next = 0;
  for (const rows of byClass) {
    const order = rows.slice();
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const r of order) fold[r] = next++ % folds;
  }
  return fold;
}

function argmax(data: Float32Array, base: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (data[base + c] > data[base + best]) best = c;
  return best;
}

/** A head's cross-validated accuracy on the labeled nodes, pooled over every node it could test. */
export interface LabeledAccuracy {
  head: HeadName;
  accuracy: number;
  /** Labeled nodes tested (each once, on a fit that did not see it); nodes of a class with one label are never tested. */
  tested: number;
}

/**
 * How well one head predicts labels it did not see, from as few as two labels a class: seeded,
 * stratified k-fold CV, each labeled node tested once on a fit without its fold. Unlike `selectHead`
 * it needs no class to fill every fold: a class with one label always trains (testing it would
 * only measure that a class without labels cannot be predicted), a class with two is split
 * across two folds. null when nothing could be tested. `auto` reads it to decide when the model
 * is good enough for its uncertainty to be worth buying (lib/al `uncertaintyTrusted`).
 */
export function labeledAccuracy(data: HeadData, labels: Int32Array, k: number, head: HeadName, opts: { seed: number; folds?: number }): LabeledAccuracy | null {
  const folds = opts.folds ?? CV_FOLDS;
  const byClass: number[][] = Array.from({ length: k }, () => []);
  labels.forEach((c, i) => { if (c >= 0) byClass[c].push(i); });
  const fold = stratifiedFolds(byClass.map((r) => (r.length >= 2 ? r : [])), labels.length, folds, opts.seed);
  let hits = 0;
  let tested = 0;
  for (let f = 0; f < folds; f++) {
    const test: number[] = [];
    fold.forEach((g, i) => { if (g === f) test.push(i); });
    if (test.length === 0) continue;
    const train = Int32Array.from(labels, (c, i) => (fold[i] === f ? -1 : c));
    const rows = Int32Array.from(test);
    const p = HEADS[head].fit(data, train, k, rows);
    rows.forEach((r, q) => { if (argmax(p.data, q * k, k) === labels[r]) hits++; });
    tested += rows.length;
  }
  return tested > 0 ? { head, accuracy: hits / tested, tested } : null;
}
