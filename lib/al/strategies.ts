import { z } from 'zod';
import { badRequest, parseInput } from '../errors';
import { MIN_PER_CLASS, randomPick, TRUST_ACCURACY, uncertaintyTrusted } from './coldstart';
import { badgeSelect, kCenterGreedy } from './diversity';
import { hybridSelect, spacedTopK } from './hybrid';
import { probCover } from './coverage';
import { topK, eligibleIndices, exclusionMask } from './topk';
import { typicalCluster } from './typical';
import type { Embeddings, Probs, Samples, Selection, Votes } from './types';
import { bald, entropy, leastConfidence, margin, voteEntropy, votesFromSamples } from './uncertainty';

/**
 * Acquisition strategies by name. Each takes one input shape and returns a Selection of
 * distinct eligible items: `candidates` (default: the whole pool) minus labeled and held items,
 * `batch` of them or all when fewer remain. Deterministic for a seed. A strategy that lacks an
 * input it needs throws a bad_request TandemError naming that input.
 */

const F32 = z.custom<Float32Array>((v) => v instanceof Float32Array, { message: 'expected a Float32Array' });
const I32 = z.custom<Int32Array>((v) => v instanceof Int32Array, { message: 'expected an Int32Array' });
const Count = z.number().int().nonnegative();
const Positive = z.number().int().positive();

const ProbsSchema = z.object({ n: Count, k: Positive, data: F32 })
  .refine((v) => v.data.length === v.n * v.k, { message: 'data must hold n × k values' });
const EmbeddingsSchema = z.object({ n: Count, d: Positive, data: F32 })
  .refine((v) => v.data.length === v.n * v.d, { message: 'data must hold n × d values' });
const SamplesSchema = z.object({ n: Count, k: Positive, t: Positive, data: F32 })
  .refine((v) => v.data.length === v.n * v.k * v.t, { message: 'data must hold t × n × k values' });
const GraphSchema = z.object({ n: Count, rowStart: I32, cols: I32, weights: F32 })
  .refine((g) => g.rowStart.length === g.n + 1 && g.cols.length === g.weights.length && g.rowStart[g.n] === g.cols.length, { message: 'a graph needs n + 1 row starts and one weight per edge' });
const VotesSchema = z.object({ n: Count, k: Positive, m: Positive, data: I32 })
  .refine((v) => v.data.length === v.n * v.m, { message: 'data must hold m × n votes' });

/** What every strategy accepts; which fields it needs is in its `needs`. */
export const StrategyInput = z.object({
  /** Class probabilities of the current model, n × k. */
  probs: ProbsSchema.optional(),
  /** t stochastic passes (MC dropout) or ensemble members' probabilities, t × n × k. */
  samples: SamplesSchema.optional(),
  /** Hard votes of a committee, m × n. */
  committee: VotesSchema.optional(),
  /** One embedding per item, n × d. */
  embeddings: EmbeddingsSchema.optional(),
  /**
   * typical-cluster and auto: neighbour graphs of several views of the pool (each n nodes). With
   * them the first batch (no labels yet) comes from k-means clusters merged by the graphs
   * (graph-merge.ts); give them only when there are several views, where that was measured.
   */
  graphs: z.array(GraphSchema).max(8).optional(),
  /** Pool size, needed only when no tensor is given (random). */
  n: Count.optional(),
  /** Labeled items: never picked; centres for the diversity strategies. */
  labeledIdx: I32.optional(),
  /** Items held by annotators now: never picked; centres for the diversity strategies. */
  heldIdx: I32.optional(),
  /** Items that may be picked (default: the whole pool). */
  candidates: I32.optional(),
  batch: Count,
  seed: z.number().int(),
  /** probcover: classes the labels will fall in (default: probs.k). */
  numClasses: Positive.optional(),
  /** auto: distinct classes among the labeled items. */
  classesSeen: Count.optional(),
  /** auto: labels of the least-labeled class (MIN_PER_CLASS); left out, the other counts alone decide. */
  fewestPerClass: Count.optional(),
  /** auto: floor on labels before uncertainty is trusted (default 20). */
  minLabels: Count.optional(),
  /**
   * auto: the model's cross-validated accuracy on its own labels (lib/model `labeledAccuracy`; null:
   * nothing could be tested). Uncertainty is trusted only once it reaches TRUST_ACCURACY; left out,
   * the count rule alone decides (a caller that does not measure it).
   */
  labeledAccuracy: z.number().min(0).max(1).nullable().optional(),
  /** auto: an earlier round of this model already trusted uncertainty; the phase does not go back on noise in the estimate. */
  trustedBefore: z.boolean().optional(),
  /** margin-kcenter and auto: uncertain shortlist size as a multiple of the batch (default 10). */
  poolFactor: z.number().min(1).optional(),
  /**
   * typical-cluster and auto's low-budget phase: pick the batch in steps of this many, each step
   * counting the earlier steps' picks as labeled. The first `step` picks are then the batch a round
   * of `step` would pick, the next `step` the round after it: dealt a batch at a time (the trainer
   * sets it to the project's batch size), every whole-step prefix is a TypiClust batch. Default:
   * the whole batch in one step (k-means with labels + batch clusters).
   */
  step: Positive.optional(),
});
export type StrategyInput = z.input<typeof StrategyInput>;

export type InputName = 'probs' | 'samples' | 'committee' | 'embeddings';

const INPUT_DESCRIPTIONS: Record<InputName, string> = {
  probs: 'probs (class probabilities, n × k)',
  samples: 'samples (t stochastic passes, t × n × k)',
  committee: 'committee (hard votes, m × n)',
  embeddings: 'embeddings (one vector per item, n × d)',
};

export const STRATEGY_NAMES = [
  'random',
  'least-confidence',
  'margin',
  'entropy',
  'bald',
  'vote-entropy',
  'kcenter',
  'badge',
  'margin-kcenter',
  'typical-cluster',
  'probcover',
  'auto',
] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface StrategyInfo {
  name: StrategyName;
  description: string;
  /** Inputs the strategy needs: every group must have one of its members present. */
  needs: readonly (readonly InputName[])[];
}

export interface Strategy extends StrategyInfo {
  select(input: StrategyInput): Selection;
}

/** A parsed input with the pool resolved: its size, what may be picked, and the existing centres. */
interface Pool {
  input: z.output<typeof StrategyInput>;
  n: number;
  exclude: Uint8Array;
  eligible: Int32Array;
  centres: Int32Array;
}

type Impl = (pool: Pool, info: StrategyInfo) => Selection;

function poolSize(input: z.output<typeof StrategyInput>, name: string): number {
  const sizes: [string, number][] = [];
  if (input.probs) sizes.push(['probs', input.probs.n]);
  if (input.samples) sizes.push(['samples', input.samples.n]);
  if (input.committee) sizes.push(['committee', input.committee.n]);
  if (input.embeddings) sizes.push(['embeddings', input.embeddings.n]);
  if (input.n !== undefined) sizes.push(['n', input.n]);
  for (const g of input.graphs ?? []) sizes.push(['a graph', g.n]);
  if (sizes.length === 0) throw badRequest(`strategy '${name}' cannot tell the pool size: give n or a tensor (probs, samples, committee, embeddings)`);
  const [first, size] = sizes[0];
  for (const [other, s] of sizes) {
    if (s !== size) throw badRequest(`strategy '${name}': ${first} has ${size} items but ${other} has ${s}`);
  }
  return size;
}

function resolve(info: StrategyInfo, raw: StrategyInput): Pool {
  const input = parseInput(StrategyInput, raw, `input of strategy '${info.name}'`);
  for (const group of info.needs) {
    if (!group.some((g) => input[g] !== undefined)) {
      throw badRequest(`strategy '${info.name}' needs ${group.map((g) => INPUT_DESCRIPTIONS[g]).join(' or ')}, but the input has none`);
    }
  }
  const n = poolSize(input, info.name);
  const labeled = input.labeledIdx ?? new Int32Array(0);
  const held = input.heldIdx ?? new Int32Array(0);
  let exclude: Uint8Array;
  let eligible: Int32Array;
  try {
    exclude = exclusionMask(n, labeled, held);
    eligible = eligibleIndices(n, input.candidates, exclude);
  } catch (e) {
    throw badRequest(`strategy '${info.name}': ${(e as Error).message}`);
  }
  const centres = new Int32Array(labeled.length + held.length);
  centres.set(labeled, 0);
  centres.set(held, labeled.length);
  return { input, n, exclude, eligible, centres };
}

function need<T>(value: T | undefined, what: InputName, name: string): T {
  if (value === undefined) throw badRequest(`strategy '${name}' needs ${INPUT_DESCRIPTIONS[what]}, but the input has none`);
  return value;
}

const byScore = (score: (pool: Pool, name: string) => Float32Array): Impl => (pool, info) =>
  topK(score(pool, info.name), pool.input.batch, { candidates: pool.eligible });

const marginKCenter: Impl = (pool, info) => {
  const probs = need<Probs>(pool.input.probs, 'probs', info.name);
  const emb = need<Embeddings>(pool.input.embeddings, 'embeddings', info.name);
  return hybridSelect(margin(probs), emb, {
    batch: pool.input.batch,
    candidates: pool.eligible,
    centres: pool.centres,
    factor: pool.input.poolFactor,
  });
};

const spacedMargin: Impl = (pool, info) => {
  const probs = need<Probs>(pool.input.probs, 'probs', info.name);
  const emb = need<Embeddings>(pool.input.embeddings, 'embeddings', info.name);
  return spacedTopK(margin(probs), emb, {
    batch: pool.input.batch,
    candidates: pool.eligible,
    avoid: pool.input.heldIdx,
    factor: pool.input.poolFactor,
  });
};


const typical: Impl = (pool, info) => {
  const emb = need<Embeddings>(pool.input.embeddings, 'embeddings', info.name);
  const { batch, seed, step } = pool.input;
  // The graphs merge the first batch's clusters only (nothing labeled yet), where that was measured.
  const graphs = (pool.input.labeledIdx?.length ?? 0) === 0 ? pool.input.graphs : undefined;
  if (step === undefined || step >= batch) return typicalCluster(emb, { batch, seed, candidates: pool.eligible, centres: pool.centres, graphs });
  const indices: number[] = [];
  const scores: number[] = [];
  const taken = new Uint8Array(pool.n);
  let candidates = pool.eligible;
  let centres = pool.centres;
  for (let s = 0; indices.length < batch; s++) {
    const sel = typicalCluster(emb, {
      batch: Math.min(step, batch - indices.length), seed: s === 0 ? seed : (Math.imul(seed, 0x9e3779b1) + s * 0x6d2b79f5) | 0,
      candidates, centres, graphs: s === 0 ? graphs : undefined,
    });
    if (sel.indices.length === 0) break;
    for (let j = 0; j < sel.indices.length; j++) {
      indices.push(sel.indices[j]);
      scores.push(sel.scores[j]);
      taken[sel.indices[j]] = 1;
    }
    candidates = candidates.filter((i) => taken[i] === 0);
    const grown = new Int32Array(centres.length + sel.indices.length);
    grown.set(centres, 0);
    grown.set(sel.indices, centres.length);
    centres = grown;
  }
  return { indices: Int32Array.from(indices), scores: Float32Array.from(scores) };
};

const coverage: Impl = (pool, info) => {
  const clusters = pool.input.numClasses ?? pool.input.probs?.k;
  if (clusters === undefined) throw badRequest(`strategy '${info.name}' needs numClasses (or probs, whose k gives it) to choose its ball radius`);
  const { indices, scores } = probCover(need<Embeddings>(pool.input.embeddings, 'embeddings', info.name), {
    batch: pool.input.batch,
    seed: pool.input.seed,
    clusters,
    candidates: pool.eligible,
    centres: pool.centres,
  });
  return { indices, scores };
};

/** auto's low-budget phase: TypiClust (see `autoPhase` for why). */
const coldStart: Impl = typical;

/** `auto`'s phases, as the trainer records them per model version and the queue reads them back. */
export const AUTO_PHASES = ['cold-start', 'spaced-margin'] as const;
export type AutoPhase = (typeof AUTO_PHASES)[number];
export const isAutoPhase = (x: unknown): x is AutoPhase => (AUTO_PHASES as readonly unknown[]).includes(x);

/**
 * Which phase `auto` is in: low budget (TypiClust, `typicalCluster`) until there is a model
 * whose uncertainty is trusted (see `uncertaintyTrusted`), then margin with near-copies skipped
 * (`spacedTopK`). With probs it needs `classesSeen`, so that a missing count is an error
 * rather than a cold start forever.
 *
 * Why this rule (measured with `npm run bench:al`, docs/benchmarks.md): plain margin cannot
 * start — on a flat prior every margin ties and it picks by index, and with one class labeled
 * it never leaves that class — so the first labels go to typical items of regions of the
 * embedding that hold no label yet (TypiClust, Hacohen et al. 2022: in the first tens of
 * labels typical, spread-out items beat both random and uncertainty; it needed fewer labels
 * than the earlier one-item-per-k-means-cluster cold start). After that the smallest margins
 * are the best buys; k-center over the uncertain shortlist (margin-kcenter) chases its outliers
 * and needed more labels, while skipping only near-copies keeps margin's efficiency and still
 * spreads a batch over several confusions. "After that" waits, when the caller measured it
 * (`labeledAccuracy`), for a model that predicts its own labels (TRUST_ACCURACY): on Fashion-MNIST,
 * whose model stays weak, margins lost TypiClust's lead, and TypiClust kept to the end won.
 */
export function autoPhase(raw: StrategyInput): AutoPhase {
  if (raw.probs === undefined) return 'cold-start';
  if (raw.classesSeen === undefined) {
    throw badRequest(`strategy 'auto' needs classesSeen (distinct classes among the labeled items) to decide whether uncertainty is trusted`);
  }
  if (raw.trustedBefore) return 'spaced-margin';
  return uncertaintyTrusted({
    labeled: raw.labeledIdx?.length ?? 0,
    classesSeen: raw.classesSeen,
    numClasses: raw.probs.k,
    minLabels: raw.minLabels,
    accuracy: raw.labeledAccuracy,
    fewestPerClass: raw.fewestPerClass,
  }) ? 'spaced-margin' : 'cold-start';
}

const REGISTRY: Record<StrategyName, StrategyInfo & { impl: Impl }> = {
  random: {
    name: 'random',
    description: 'uniformly random eligible items: the baseline every curve is measured against',
    needs: [],
    impl: (pool) => randomPick(pool.eligible, pool.input.batch, pool.input.seed),
  },
  'least-confidence': {
    name: 'least-confidence',
    description: 'lowest top-class probability first (1 − max p)',
    needs: [['probs']],
    impl: byScore((pool) => leastConfidence(pool.input.probs as Probs)),
  },
  margin: {
    name: 'margin',
    description: 'smallest gap between the two likeliest classes first',
    needs: [['probs']],
    impl: byScore((pool) => margin(pool.input.probs as Probs)),
  },
  entropy: {
    name: 'entropy',
    description: 'highest predictive entropy first',
    needs: [['probs']],
    impl: byScore((pool) => entropy(pool.input.probs as Probs)),
  },
  bald: {
    name: 'bald',
    description: 'highest mutual information between prediction and model over MC-dropout passes (BALD)',
    needs: [['samples']],
    impl: byScore((pool) => bald(pool.input.samples as Samples)),
  },
  'vote-entropy': {
    name: 'vote-entropy',
    description: 'query by committee: highest entropy of the members\' hard votes (committee, or argmax of each sample pass)',
    needs: [['committee', 'samples']],
    impl: byScore((pool) => voteEntropy((pool.input.committee as Votes | undefined) ?? votesFromSamples(pool.input.samples as Samples))),
  },
  kcenter: {
    name: 'kcenter',
    description: 'core-set: greedy k-center in embedding space, away from labeled and held items',
    needs: [['embeddings']],
    impl: (pool) => kCenterGreedy(pool.input.embeddings as Embeddings, {
      k: pool.input.batch,
      candidates: pool.eligible,
      centres: pool.centres,
    }),
  },
  badge: {
    name: 'badge',
    description: 'BADGE: k-means++ over last-layer gradient embeddings (uncertain and diverse)',
    needs: [['probs'], ['embeddings']],
    impl: (pool) => badgeSelect(pool.input.probs as Probs, pool.input.embeddings as Embeddings, {
      k: pool.input.batch,
      seed: pool.input.seed,
      candidates: pool.eligible,
      centres: pool.centres,
    }),
  },
  'margin-kcenter': {
    name: 'margin-kcenter',
    description: 'hybrid: shortlist the poolFactor × batch (default 10 ×) smallest margins, then pick a diverse batch by k-center',
    needs: [['probs'], ['embeddings']],
    impl: marginKCenter,
  },
  'typical-cluster': {
    name: 'typical-cluster',
    description: 'TypiClust (low budget): k-means with labels + batch clusters, the most typical item of each cluster without a label, largest first',
    needs: [['embeddings']],
    impl: typical,
  },
  probcover: {
    name: 'probcover',
    description: 'ProbCover (low budget): greedy max coverage of δ-balls in embedding space, δ the largest radius whose balls stay 95% pure over k-means clusters',
    needs: [['embeddings']],
    impl: coverage,
  },
  auto: {
    name: 'auto',
    description: `recommended: typical items of uncovered clusters (TypiClust) until uncertainty is trusted (every class with ${MIN_PER_CLASS} labels, 20 labels, and the model predicting ${Math.round(TRUST_ACCURACY * 100)}% of its own labels in cross-validation), then smallest margins, skipping near-copies within the batch`,
    needs: [['embeddings']],
    impl: (pool, info) => (autoPhase(pool.input) === 'spaced-margin' ? spacedMargin(pool, info) : coldStart(pool, info)),
  },
};

function toStrategy(entry: StrategyInfo & { impl: Impl }): Strategy {
  const { impl, ...info } = entry;
  return { ...info, select: (input) => impl(resolve(info, input), info) };
}

const STRATEGIES = new Map<string, Strategy>(STRATEGY_NAMES.map((name) => [name, toStrategy(REGISTRY[name])]));

/**
 * Whether the strategy picks from the embeddings alone (auto's low-budget phase, typical-cluster,
 * probcover, kcenter, random): its first ranking is worth making before any label.
 */
export function picksWithoutLabels(name: string): boolean {
  const s = STRATEGIES.get(name);
  return s !== undefined && s.needs.every((group) => group.includes('embeddings'));
}

export function isStrategyName(name: string): name is StrategyName {
  return STRATEGIES.has(name);
}

/** The strategy of that name; a bad_request error listing the names otherwise. */
export function getStrategy(name: string): Strategy {
  const s = STRATEGIES.get(name);
  if (!s) throw badRequest(`unknown strategy '${name}': use one of ${STRATEGY_NAMES.join(', ')}`);
  return s;
}

/** Names, one-line descriptions and needed inputs, in a stable order (for `--list-strategies` and the lead's picker). */
export function listStrategies(): StrategyInfo[] {
  return STRATEGY_NAMES.map((name) => {
    const { impl: _impl, ...info } = REGISTRY[name];
    return info;
  });
}

/** Runs the named strategy: `getStrategy(name).select(input)`. */
export function selectBatch(name: string, input: StrategyInput): Selection {
  return getStrategy(name).select(input);
}
