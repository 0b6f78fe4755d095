import { getStrategy, selectBatch, type Embeddings, type Probs, type Samples, type Selection, type StrategyName } from '../al';
import { mulberry32 } from '../random';
import { knnGraph, type Graph } from './knn';
import { fitPca, projectPca } from './pca';
import { spreadLabels } from './spreading';

/** The model Tandem trains on images without a pretrained network: PCA-50 of raw pixels, a k = 7 neighbour graph, label spreading. */
export const MODEL_NAME = 'pca50-knn7-label-spreading';
export const PCA_COMPONENTS = 50;
export const NEIGHBOURS = 7;

/** What a pool costs to prepare once, without labels: embeddings and their neighbour graph. */
export interface Features {
  embeddings: Embeddings;
  graph: Graph;
}

/**
 * Features of raw inputs (n × d, e.g. 28×28 pixels): PCA to 50 directions
 * fitted on the whole pool (no labels needed, so no leak from the holdout),
 * then the exact kNN graph over them.
 */
export function buildFeatures(x: Embeddings, opts: { components?: number; neighbours?: number; seed?: number } = {}): Features {
  const pca = fitPca(x, Math.min(opts.components ?? PCA_COMPONENTS, x.d, Math.max(1, x.n - 1)), { seed: opts.seed ?? 1 });
  const embeddings = projectPca(pca, x);
  return { embeddings, graph: knnGraph(embeddings, Math.min(opts.neighbours ?? NEIGHBOURS, Math.max(0, x.n - 1))) };
}

export interface RoundInput {
  features: Features;
  /** Training labels per node: class index, or −1 (unlabeled, or holdout: holdout never trains). */
  labels: Int32Array;
  k: number;
  /** Nodes the strategy may pick from. */
  candidates: Int32Array;
  strategy: StrategyName;
  batch: number;
  seed: number;
}

/**
 * One active-learning round, shared by the trainer worker and `tandem
 * simulate` so the harness measures exactly what the product runs: fit the
 * model on the labels, then let the strategy choose the next batch.
 */
export function trainRound(input: RoundInput): { probs: Probs; selection: Selection; labeledIdx: Int32Array } {
  const { features, labels, k } = input;
  const probs = spreadLabels(features.graph, labels, k);
  const labeled: number[] = [];
  const seen = new Set<number>();
  labels.forEach((c, i) => { if (c >= 0) { labeled.push(i); seen.add(c); } });
  const labeledIdx = Int32Array.from(labeled);
  // BALD and vote entropy need several models that disagree: a bootstrap committee of spreads.
  const needsSamples = getStrategy(input.strategy).needs.some((group) => group.includes('samples') && !group.includes('probs'));
  const samples = needsSamples ? bootstrapCommittee(features, labels, k, { seed: input.seed }) : undefined;
  const selection = selectBatch(input.strategy, {
    samples,
    probs,
    embeddings: features.embeddings,
    labeledIdx,
    candidates: input.candidates,
    batch: Math.min(input.batch, input.candidates.length),
    seed: input.seed,
    classesSeen: seen.size,
  });
  return { probs, selection, labeledIdx };
}

/**
 * A committee for BALD and vote entropy from one model without dropout: each
 * member spreads a bootstrap subset of the labels (each kept with
 * probability `keep`, seeded), the ensemble stand-in for MC dropout passes
 * (Beluch et al. 2018 found ensembles at least as good for active learning).
 * Costs `members` spreads (~0.25 s each on 10k items).
 */
export function bootstrapCommittee(features: Features, labels: Int32Array, k: number, opts: { members?: number; keep?: number; seed: number }): Samples {
  const t = opts.members ?? 5;
  const keep = opts.keep ?? 0.8;
  const n = labels.length;
  const data = new Float32Array(t * n * k);
  const rand = mulberry32(opts.seed * 7919 + 17);
  const subset = new Int32Array(n);
  for (let s = 0; s < t; s++) {
    for (let i = 0; i < n; i++) subset[i] = labels[i] >= 0 && rand() < keep ? labels[i] : -1;
    data.set(spreadLabels(features.graph, subset, k).data, s * n * k);
  }
  return { n, k, t, data };
}
