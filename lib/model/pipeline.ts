import { countsTrusted, getStrategy, margin, selectBatch, topK, type AutoPhase, type Embeddings, type Probs, type Samples, type Selection, type StrategyName, uncertaintyTrusted } from '../al';
import { badRequest } from '../errors';
import { mulberry32 } from '../random';
import { knnGraph, type Graph } from './knn';
import { fitPca, projectPca } from './pca';
import { fitHead, labeledAccuracy, selectHead, type HeadChoice, type HeadName } from './heads';
import { spreadViews } from './spreading';
import { umapEmbed, type UmapOptions } from './umap';

/**
 * The model Tandem trains on images without a pretrained network: PCA-50 of raw pixels, a
 * 10-d UMAP of those (pools of UMAP_MIN_ITEMS to UMAP_MAX_ITEMS), a k = 7 neighbour graph, label spreading.
 * UMAP saved labels on MNIST against PCA-50 alone (docs/benchmarks.md, bench:al).
 */
export const MODEL_NAME = 'pca50-umap10-knn7-label-spreading';
/** The same without UMAP: pools outside usesUmap, and what bench:al measures UMAP against. */
export const PCA_MODEL_NAME = 'pca50-knn7-label-spreading';
export const PCA_COMPONENTS = 50;
export const NEIGHBOURS = 7;
/**
 * Pools above this many items get no neighbour graph: the exact graph costs
 * n²·d/2 multiply-adds (measured 3.8 s at 10k × 50-d and 17 s at 20k on a
 * 2-core VM, so ~2 min at 50k and ~30 min at 200k), once per pool. Such pools
 * are modelled by the dense head on the embeddings instead (`DenseHead`).
 */
export const GRAPH_MAX_ITEMS = 50_000;
/** MC-dropout passes behind BALD and vote entropy (fewer on big pools: the passes are t × n × k floats, at most MAX_SAMPLE_FLOATS). */
export const MC_PASSES = 20;
const MAX_SAMPLE_FLOATS = 50_000_000;
/**
 * Candidates the MC-dropout passes score at most: beyond it, the ones with
 * the smallest margins under the model (BALD's picks come from the uncertain
 * anyway). Keeps BALD on a million-item pool to seconds.
 */
export const MC_MAX_ROWS = 100_000;

/** What a pool costs to prepare once, without labels: embeddings and their neighbour graph (edgeless above GRAPH_MAX_ITEMS). */
export interface Features {
  /** What the strategies read; with other views, every view's rows side by side (`joinViews`). */
  embeddings: Embeddings;
  /** The first view's neighbour graph. */
  graph: Graph;
  /** Neighbour graphs of other views of the same items (pixels' HOG descriptors: `buildPixelFeatures`); label spreading averages over all. */
  otherViews?: Graph[];
}

/** Whether a pool of n items is modelled by label spreading over its graph or by the dense head alone. */
export function usesGraph(n: number): boolean {
  return n <= GRAPH_MAX_ITEMS;
}

/** The graph of a pool too large for one: n nodes, no edges (what is cached and passed around in its place). */
export function edgelessGraph(n: number): Graph {
  return { n, rowStart: new Int32Array(n + 1), cols: new Int32Array(0), weights: new Float32Array(0) };
}

/**
 * Pools above this many items skip UMAP (PCA-50 only): they have no neighbour graph either
 * (GRAPH_MAX_ITEMS), and placing a million rows with UMAP's transform would cost tens of minutes.
 */
export const UMAP_MAX_ITEMS = GRAPH_MAX_ITEMS;
/**
 * Pools below this many items skip UMAP too: its gain was measured on 10,000 digits, while on a
 * pool of 120 synthetic shapes its 15-neighbour fuzzy graph split each class by position and
 * label spreading did worse than on PCA-50 (tests/server/cli/simulate.test.ts); a small pool's
 * PCA graph is cheap and good enough.
 */
export const UMAP_MIN_ITEMS = 1000;

/** Whether the trainer's pixel features of a pool of n items go through UMAP. */
export function usesUmap(n: number): boolean {
  return n >= UMAP_MIN_ITEMS && n <= UMAP_MAX_ITEMS;
}

/** Rows PCA is fitted on at most: above it, an evenly spaced sample (the fit's centred copy is n × d doubles: 6 GB at 1M × 784). */
export const PCA_FIT_MAX_ROWS = GRAPH_MAX_ITEMS;

/**
 * Features of raw inputs (n × d, e.g. 28×28 pixels): PCA to 50 directions
 * fitted on the whole pool (no labels needed, so no leak from the holdout;
 * an evenly spaced sample of PCA_FIT_MAX_ROWS rows on a bigger pool), every
 * row projected, then the exact kNN graph over them (none above
 * GRAPH_MAX_ITEMS).
 */
export function buildFeatures(x: Embeddings, opts: FeatureOptions = {}): Features {
  const components = Math.min(opts.components ?? PCA_COMPONENTS, x.d, Math.max(1, x.n - 1));
  const pca = fitPca(x.n <= PCA_FIT_MAX_ROWS ? x : evenSample(x, PCA_FIT_MAX_ROWS), components, { seed: opts.seed ?? 1 });
  const projected = projectPca(pca, x);
  const embeddings = opts.umap ? umapEmbed(projected, { seed: opts.seed ?? 1, ...opts.umap }) : projected;
  return { embeddings, graph: neighbourGraph(embeddings, opts.neighbours) };
}

export interface FeatureOptions {
  components?: number;
  neighbours?: number;
  seed?: number;
  /** UMAP of the PCA rows (umap.ts) before the graph: the embedding every strategy and the graph then read. */
  umap?: UmapOptions;
}

/** m rows spread evenly over x (row ⌊j·n/m⌋ for j < m). */
function evenSample(x: Embeddings, m: number): Embeddings {
  const data = new Float32Array(m * x.d);
  for (let j = 0; j < m; j++) {
    const r = Math.floor((j * x.n) / m);
    data.set(x.data.subarray(r * x.d, (r + 1) * x.d), j * x.d);
  }
  return { n: m, d: x.d, data };
}

/** The kNN graph of embeddings, or an edgeless one for a pool above GRAPH_MAX_ITEMS. */
export function neighbourGraph(x: Embeddings, neighbours = NEIGHBOURS): Graph {
  return usesGraph(x.n) ? knnGraph(x, Math.min(neighbours, Math.max(0, x.n - 1))) : edgelessGraph(x.n);
}

/** What the dense head trains on in one round. */
export interface DenseHeadInput {
  embeddings: Embeddings;
  /** Labeled rows and the class of each. */
  rows: Int32Array;
  labels: Int32Array;
  k: number;
  seed: number;
}

/** A trained dense head: its probabilities, its MC-dropout passes, and its memory to free. */
export interface DenseModel {
  /** What the head is, for the model version's name. */
  name: string;
  /** Class probabilities of every row, dropout off. */
  predict(): Probs;
  /** `t` passes with dropout on over `rows` (the other rows stay 0), seeded. */
  passes(rows: Int32Array, t: number, seed: number): Samples;
  dispose(): void;
}

/**
 * Trains a head on the labeled rows of frozen embeddings, with MC-dropout
 * inference: the trainer's tfjs head (workers/trainer/tf-head.ts), passed in
 * so that lib/ stays free of tensor runtimes and I/O. Synchronous.
 */
export type DenseHead = (input: DenseHeadInput) => DenseModel;

/**
 * Where BALD's and vote entropy's samples come from. `mc-dropout` (what the
 * product runs): passes of the dense head with dropout on. `bootstrap`: label
 * spreads of bootstrap subsets of the labels (the earlier stand-in, kept to be
 * measured against: npm run bench:al with BENCH_AL_COMMITTEE=bootstrap).
 */
export type CommitteeKind = 'mc-dropout' | 'bootstrap';

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
  /** The dense head: MC-dropout samples for BALD and vote entropy, and the model of a pool without a graph. */
  head?: DenseHead;
  /** Default mc-dropout. */
  committee?: CommitteeKind;
  /** MC-dropout passes (default MC_PASSES, fewer on big pools). */
  passes?: number;
  /**
   * Candidate heads on a pool with a graph (heads.ts): `auto` picks by cross-validation on the
   * labels, a head's name forces it. Without it, label spreading as before.
   */
  heads?: HeadsInput;
  /** `auto`: an earlier round already trusted the model's uncertainty (RoundResult.trust); it stays trusted. */
  trustedBefore?: boolean;
  /** typical-cluster and `auto`'s low-budget phase pick the batch in steps of this many (StrategyInput.step: the dealt batch). */
  step?: number;
}

export interface HeadsInput {
  choose: 'auto' | HeadName;
  /** Raw (downsampled) pixels of every node, for `logistic-pixels`; omitted when the rows are not pixels. */
  pixels?: Embeddings;
  /** The previous version's choice, reused until the labels grow (REUSE_GROWTH). */
  previous?: HeadChoice;
  /**
   * A choice made already, fitted as it is and reported as made: the trainer fits its last pick
   * and runs the next CV after the ranking is out (CV takes seconds; the ranking should not wait).
   */
  use?: HeadChoice;
}

export interface RoundResult {
  probs: Probs;
  selection: Selection;
  labeledIdx: Int32Array;
  /** Which model produced `probs`: label spreading over the graph, or the dense head (no graph). */
  model: { kind: 'spreading' } | { kind: 'dense'; name: string };
  /** Which candidate head produced `probs` and the CV behind the pick, when `heads` was asked for. */
  head?: HeadChoice;
  /** Where the strategy's samples came from, when it used any. */
  samples?: { kind: 'mc-dropout'; passes: number; head: string } | { kind: 'bootstrap'; members: number };
  /**
   * With `auto`: the phase that chose the batch, and the cross-validated accuracy on the labels
   * it was decided on (undefined: not measured, the counts alone decided; null: nothing to test).
   */
  trust?: { phase: AutoPhase; labeledAccuracy?: number | null };
}

/**
 * One active-learning round, shared by the trainer worker and `tandem
 * simulate` so the harness measures exactly what the product runs: fit the
 * model on the labels (label spreading over the graph; the dense head when
 * the pool has no graph), then let the strategy choose the next batch. BALD
 * and vote entropy get MC-dropout passes of the dense head; without a head
 * they stop with an error that says so (no silent substitute).
 */
export function trainRound(input: RoundInput): RoundResult {
  const { features, labels, k } = input;
  const n = labels.length;
  const labeled: number[] = [];
  // Labels per class: the classes seen and the least-labeled one decide auto's phase.
  const perClass = new Int32Array(k);
  labels.forEach((c, i) => { if (c >= 0) { labeled.push(i); perClass[c]++; } });
  const classesSeen = perClass.reduce((n, x) => n + (x > 0 ? 1 : 0), 0);
  const fewestPerClass = k > 0 ? Math.min(...perClass) : 0;
  const labeledIdx = Int32Array.from(labeled);
  const graph = usesGraph(n);
  const needsSamples = getStrategy(input.strategy).needs.some((group) => group.includes('samples') && !group.includes('probs'));
  // Without a graph there is nothing to spread: the committee is the head's passes whatever was asked.
  const committee = graph ? input.committee ?? 'mc-dropout' : 'mc-dropout';
  const passes = needsSamples && committee === 'mc-dropout'
    ? Math.max(2, Math.min(input.passes ?? MC_PASSES, Math.floor(MAX_SAMPLE_FLOATS / Math.max(1, n * k))))
    : 0;
  if ((!graph || passes > 0) && !input.head) {
    throw badRequest(graph
      ? `strategy '${input.strategy}' needs MC-dropout passes of the trainer's dense head, and no head was given (tfjs did not start?)`
      : `a pool of ${n} items has no neighbour graph (above ${GRAPH_MAX_ITEMS}) and needs the trainer's dense head, and no head was given (tfjs did not start?)`);
  }
  const dense = !graph || passes > 0
    ? input.head!({ embeddings: features.embeddings, rows: labeledIdx, labels: Int32Array.from(labeledIdx, (r) => labels[r]), k, seed: input.seed })
    : undefined;
  let probs: Probs;
  let samples: Samples | undefined;
  let used: RoundResult['samples'];
  const head = graph && input.heads ? chooseHead(features, labels, k, input.heads, input.seed) : undefined;
  try {
    probs = dense && !graph ? dense.predict()
      : head ? fitHead(head.head, { ...features, pixels: input.heads!.pixels }, labels, k)
      : spreadViews(features, labels, k);
    if (dense && passes > 0) {
      const rows = input.candidates.length <= MC_MAX_ROWS ? input.candidates
        : Int32Array.from(topK(margin(probs), MC_MAX_ROWS, { candidates: input.candidates }).indices).sort();
      samples = dense.passes(rows, passes, input.seed);
      used = { kind: 'mc-dropout', passes, head: dense.name };
    } else if (needsSamples) {
      samples = bootstrapCommittee(features, labels, k, { seed: input.seed });
      used = { kind: 'bootstrap', members: samples.t };
    }
  } finally {
    dense?.dispose();
  }
  const trust = input.strategy === 'auto' ? trustOf(input, labeledIdx.length, classesSeen, fewestPerClass, head) : undefined;
  const selection = selectBatch(input.strategy, {
    samples,
    probs,
    embeddings: features.embeddings,
    labeledIdx,
    candidates: input.candidates,
    batch: Math.min(input.batch, input.candidates.length),
    seed: input.seed,
    classesSeen,
    fewestPerClass,
    ...(input.step !== undefined ? { step: input.step } : {}),
    ...(features.otherViews?.length ? { graphs: [features.graph, ...features.otherViews] } : {}),
    ...(trust ? { labeledAccuracy: trust.labeledAccuracy, trustedBefore: input.trustedBefore } : {}),
  });
  return { probs, selection, labeledIdx, model: dense && !graph ? { kind: 'dense', name: dense.name } : { kind: 'spreading' }, head, samples: used, trust };
}

/**
 * `auto`'s phase for this round. The model's accuracy on its own labels is the head pick's CV score
 * of the head in use when the pick has one (every class with three labels: it costs nothing more);
 * before that, a few fits of the head in use (`labeledAccuracy`, from two labels a class: in
 * practice label spreading on a few dozen labels, about a second on 10,000 items). It is measured
 * only once the counts allow trust and the model is not trusted yet. Without a graph (the dense
 * head's pools) it is not measured: the counts decide.
 */
function trustOf(input: RoundInput, labeled: number, classesSeen: number, fewestPerClass: number, head: HeadChoice | undefined): NonNullable<RoundResult['trust']> {
  if (input.trustedBefore) return { phase: 'spaced-margin' };
  const counts = countsTrusted({ labeled, classesSeen, numClasses: input.k, fewestPerClass });
  if (!counts || !usesGraph(input.labels.length)) return { phase: counts ? 'spaced-margin' : 'cold-start' };
  const cv = head?.scores.find((s) => s.head === head.head);
  const labeledAcc = cv ? cv.accuracy
    : labeledAccuracy({ ...input.features, pixels: input.heads?.pixels }, input.labels, input.k, head?.head ?? 'spreading', { seed: input.seed })?.accuracy ?? null;
  return { phase: uncertaintyTrusted({ labeled, classesSeen, numClasses: input.k, accuracy: labeledAcc, fewestPerClass }) ? 'spaced-margin' : 'cold-start', labeledAccuracy: labeledAcc };
}

/** The head of one round: CV's pick for `auto` (heads.ts), else the one named, recorded the same way. */
function chooseHead(features: Features, labels: Int32Array, k: number, heads: HeadsInput, seed: number): HeadChoice {
  if (heads.use) return heads.use;
  if (heads.choose === 'auto') return selectHead({ ...features, pixels: heads.pixels }, labels, k, { seed, previous: heads.previous });
  let labelCount = 0;
  for (const c of labels) if (c >= 0) labelCount++;
  return { head: heads.choose, reason: 'forced', labelCount, folds: 0, scores: [] };
}

/**
 * A committee for BALD and vote entropy from one model without dropout: each
 * member spreads a bootstrap subset of the labels (each kept with
 * probability `keep`, seeded). The stand-in for MC dropout before the dense
 * head existed; measured against it in docs/benchmarks.md (bench:al).
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
    data.set(spreadViews(features, subset, k).data, s * n * k);
  }
  return { n, k, t, data };
}
