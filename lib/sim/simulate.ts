import type { StrategyName } from '../al';
import { splitForGroup } from '../holdout';
import { holdoutMetrics, trainRound, type CommitteeKind, type DenseHead, type Features, type HeadChoice, type HeadsInput } from '../model';
import { mulberry32 } from '../random';
import type { Curve } from './aulc';

/**
 * The simulated labeling loop behind `tandem simulate`: the product's own
 * training round (`trainRound`, what the trainer worker runs) and strategy
 * code on a data set whose labels are known, with an oracle revealing the
 * label of every item a strategy picks. Pure and deterministic for a seed.
 */

/** A data set with known labels, its features computed once (they use no labels, so every strategy and seed shares them). */
export interface SimData {
  features: Features;
  /** Known class per row, or −1 for a row without one (it stays in the graph but is never picked nor measured). */
  truth: Int32Array;
  /** Number of classes. */
  k: number;
  /** Group per row (a video, a patient): the holdout is drawn by group, as import does. Default: each row its own group. */
  groups?: readonly string[];
  /** Split a manifest fixed for a row; undefined rows are drawn. */
  splits?: readonly ('pool' | 'holdout' | undefined)[];
}

/**
 * The holdout rows for a seed: each group lands in the holdout with
 * probability `fraction` (import's own rule, `splitForGroup`), rows whose
 * manifest named a split keep it, rows without a known label are left out.
 * Ascending.
 */
export function drawHoldout(data: Pick<SimData, 'truth' | 'groups' | 'splits'>, fraction: number, seed: number): Int32Array {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`holdout fraction must be in (0, 1), got ${fraction}`);
  const out: number[] = [];
  const { truth, groups, splits } = data;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] < 0) continue;
    const split = splits?.[i] ?? splitForGroup(groups?.[i] ?? `row ${i}`, fraction, seed);
    if (split === 'holdout') out.push(i);
  }
  return Int32Array.from(out);
}

/**
 * How the loop starts. `strategy`: the strategy picks the first batch with no
 * labels at all (a cold start is part of the strategy: `auto` clusters the
 * embeddings, `random` draws, an uncertainty strategy sees the flat prior).
 * `random`: `count` seeded random pool items are labeled first, the same for
 * every strategy on a seed (the protocol of most papers).
 */
export type StartRule = { kind: 'strategy' } | { kind: 'random'; count: number };

export interface RunInput {
  data: SimData;
  /** Rows measured after every round and never trained on nor offered to the strategy. */
  holdout: Int32Array;
  strategy: StrategyName;
  seed: number;
  /** Labels revealed per round. */
  batch: number;
  /** Labels to reveal in all; the last round may be smaller. */
  budget: number;
  start?: StartRule;
  /**
   * The trainer's dense head (workers/trainer/tf-head.ts on the trainer's tfjs
   * backend), as the worker passes it: MC-dropout passes for BALD and vote
   * entropy, the model of a pool too large for the graph.
   */
  head?: DenseHead;
  /** Where BALD's and vote entropy's samples come from (default mc-dropout, as in the product). */
  committee?: CommitteeKind;
  /** Candidate heads as the trainer picks them (`choose: 'auto'`) or one forced; without it, label spreading. */
  heads?: Omit<HeadsInput, 'previous'>;
  /** Called after each measurement (for a progress bar). */
  onRound?: (labels: number, accuracy: number) => void;
}

export interface RunResult {
  /** [labels, holdout accuracy] after every round, from the first batch to the budget. */
  curve: Curve;
  /** Rows labeled, in the order they were revealed. */
  picked: Int32Array;
  /** The head of each measured round, when `heads` was given (what won, as the trainer records it per version). */
  heads?: HeadChoice[];
  /** `auto`: the labels at which it left its low-budget picks for margins (null: never within the budget). */
  switchedAt?: number | null;
}

/** A round's strategy seed: a different stream per (seed, round), the same on every run. */
export function roundSeed(seed: number, round: number): number {
  return (Math.imul(seed, 0x9e3779b1) ^ Math.imul(round + 1, 0x85ebca6b)) | 0;
}

/**
 * One strategy on one seed: train on what is labeled, measure on the
 * holdout, let the strategy pick the next batch among the unlabeled pool,
 * reveal the truth for it, until `budget` labels are revealed or the pool is
 * empty. The curve's first point is after the first batch.
 */
export function simulateRun(input: RunInput): RunResult {
  const { data, holdout, strategy, seed } = input;
  const { truth, k, features } = data;
  const n = truth.length;
  if (features.embeddings.n !== n) throw new RangeError(`features have ${features.embeddings.n} rows, truth ${n}`);
  if (!(input.batch >= 1 && Number.isInteger(input.batch))) throw new RangeError(`batch must be a whole number ≥ 1, got ${input.batch}`);
  if (!(input.budget >= input.batch)) throw new RangeError(`budget (${input.budget}) must be at least the batch (${input.batch})`);

  const inPool = new Uint8Array(n);
  for (let i = 0; i < n; i++) inPool[i] = truth[i] >= 0 ? 1 : 0;
  for (const r of holdout) inPool[r] = 0;
  const labels = new Int32Array(n).fill(-1);
  const picked: number[] = [];
  const reveal = (row: number) => {
    if (inPool[row] !== 1 || labels[row] >= 0) throw new Error(`strategy '${strategy}' picked row ${row}, which is not an unlabeled pool item`);
    labels[row] = truth[row];
    picked.push(row);
  };

  const start = input.start ?? { kind: 'strategy' };
  if (start.kind === 'random' && start.count > 0) {
    const pool: number[] = [];
    for (let i = 0; i < n; i++) if (inPool[i] === 1) pool.push(i);
    const rng = mulberry32(roundSeed(seed, -1));
    const take = Math.min(start.count, input.budget, pool.length);
    for (let s = 0; s < take; s++) {
      const j = s + Math.floor(rng() * (pool.length - s));
      [pool[s], pool[j]] = [pool[j], pool[s]];
      reveal(pool[s]);
    }
  }

  const curve: Curve = [];
  const heads: HeadChoice[] = [];
  let previous: HeadChoice | undefined;
  let trustedBefore = false;
  let switchedAt: number | undefined;
  for (let round = 0; ; round++) {
    const candidates: number[] = [];
    for (let i = 0; i < n; i++) if (inPool[i] === 1 && labels[i] < 0) candidates.push(i);
    const want = Math.min(input.batch, input.budget - picked.length, candidates.length);
    const { probs, selection, head, trust } = trainRound({
      features, labels, k, candidates: Int32Array.from(candidates), strategy,
      // The last round only measures: a batch of 0 costs the strategy nothing.
      batch: Math.max(0, want), seed: roundSeed(seed, round), head: input.head, committee: input.committee,
      heads: input.heads ? { ...input.heads, previous } : undefined,
      trustedBefore,
    });
    previous = head;
    // As the trainer does: once trusted, the next rounds stay trusted.
    if (trust?.phase === 'spaced-margin' && !trustedBefore) {
      trustedBefore = true;
      switchedAt = picked.length;
    }
    if (picked.length > 0) {
      if (head) heads.push(head);
      const accuracy = holdoutMetrics(probs, truth, holdout).accuracy;
      curve.push([picked.length, accuracy]);
      input.onRound?.(picked.length, accuracy);
    }
    if (want <= 0) break;
    for (const row of selection.indices) reveal(row);
    if (selection.indices.length === 0) break;
  }
  return { curve, picked: Int32Array.from(picked), ...(input.heads ? { heads } : {}), ...(strategy === 'auto' ? { switchedAt: switchedAt ?? null } : {}) };
}
