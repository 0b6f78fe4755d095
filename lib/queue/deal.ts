import { randomPick } from '../al/coldstart';
import { eligibleIndices } from '../al/topk';
import { hashUnit, mulberry32 } from '../random';
import { pickCold, pickColdIndexed, randomFree } from './cold';
import { pickEasy } from './easy';
import { pickGold } from './gold';
import { pickHoldout, pickHoldoutIndexed, type HoldoutPick } from './holdout';
import type { DealInput, RankingView } from './input';
import { pickOverlap } from './overlap';
import { planSlots } from './plan';
import { blockItem, withPool, type Pool } from './pool';
import type { Assignment, MainKind, Stream, StreamKind } from './streams';
import { pickUncertain } from './uncertain';

/** A dealt batch: assignments in the order the annotator gets them. */
export interface Batch {
  assignments: Assignment[];
  /** The batch's main stream (a gold item is shown as this one). */
  main: MainKind;
  /** Slots that stayed empty because the pool ran dry (the batch is that much shorter). */
  short: number;
}

const EMPTY = new Int32Array(0);

/**
 * A per-batch seed from the project's seed, the annotator and their batch counter, so a
 * replay of the same requests deals the same items and two annotators never share draws.
 */
export function batchSeed(projectSeed: number, annotator: number, batchNumber: number): number {
  return Math.floor(hashUnit(`${annotator}:${batchNumber}`, projectSeed >>> 0) * 2 ** 32) >>> 0;
}

/**
 * Deals one batch. The order of work (why, see docs/queue.md):
 * 1. the pool: what each stream may take (`buildPool`);
 * 2. what the special streams can supply: gold, overlap, holdout, easy;
 * 3. the stream of every slot (`planSlots`: shares by error diffusion, the hard-run rule);
 * 4. the main stream's items for the remaining slots: uncertain (team-diverse, from the
 *    ranking) once the model is trusted, cold (stratified or random) before;
 * 5. when the main stream runs dry: unranked items at random, then more holdout items;
 *    after that the batch is shorter. Nothing else is ever used to fill it.
 * No item appears twice; no item another annotator holds is dealt except by overlap or gold.
 */
export function dealBatch(input: DealInput): Batch {
  const s = input.settings;
  const want = input.want ?? s.batchSize;
  if (!(Number.isInteger(want) && want >= 0)) throw new RangeError(`want must be a whole number ≥ 0, got ${want}`);
  return withPool(input, (pool) => dealFrom(input, pool, want));
}

function dealFrom(input: DealInput, pool: Pool, want: number): Batch {
  const s = input.settings;
  const ranking = input.ranking;
  if (ranking) checkRanking(ranking, pool.n);
  const emb = input.embeddings;
  if (emb && emb.n !== pool.n) throw new RangeError(`embeddings cover ${emb.n} items, the pool has ${pool.n}`);
  const main: MainKind = ranking && input.trusted ? 'uncertain' : 'cold';
  const rng = mulberry32(input.seed);
  const seed = () => Math.floor(rng() * 2 ** 32);
  const seeds = { plan: seed(), gold: seed(), overlap: seed(), holdout: seed(), easy: seed(), main: seed(), fill: seed() };
  const holdoutItems = input.holdout ?? { item: EMPTY, group: EMPTY };
  const index = input.holdoutIndex;
  if (index && (index.n !== pool.n || index.count !== holdoutItems.item.length)) {
    throw new RangeError(`holdout index built for ${index.count} holdout items of ${index.n}, the input has ${holdoutItems.item.length} of ${pool.n}`);
  }
  const holdoutPicks = (k: number) => index ? pickHoldoutIndexed(pool, index, k, seeds.holdout) : pickHoldout(pool, holdoutItems, k, seeds.holdout);
  const make = assignmentMaker(ranking);

  if (input.mode === 'holdout-only') {
    const picks = holdoutPicks(want);
    return { assignments: picks.map((p) => make(p.item, { kind: 'holdout', group: p.group })), main, short: want - picks.length };
  }

  // What each special stream can supply, at most a whole batch each (the lists are disjoint by role).
  const gold = s.goldShare > 0 ? pickGold(pool, input.gold ?? EMPTY, want, seeds.gold) : EMPTY;
  const tieBreak = { disputed: input.disputed ?? EMPTY, extra: s.tieBreak };
  const overlap = s.overlapShare > 0 ? pickOverlap(pool, input.labeled?.item ?? EMPTY, s.overlapK, want, seeds.overlap, tieBreak) : [];
  const holdout = holdoutPicks(want);
  const easyShare = main === 'uncertain' ? s.easyShare : 0;
  const easy = easyShare > 0 && ranking
    ? pickEasy(ranking.confidence, ranking.predicted, emb, { want, exclude: pool.blocked, order: ranking.byConfidence, held: pool.held, factor: s.shortlistFactor, seed: seeds.easy })
    : EMPTY;

  const plan = planSlots({
    slots: want,
    main,
    shares: { gold: s.goldShare, overlap: s.overlapShare, holdout: s.holdoutShare, easy: easyShare },
    capacity: { gold: gold.length, overlap: overlap.length, holdout: s.holdoutShare > 0 ? holdout.length : 0, easy: easy.length },
    maxHardInARow: s.maxHardInARow,
    history: input.history ?? [],
    seed: seeds.plan,
  });
  const slotsOf = (k: StreamKind) => plan.reduce((c, x) => c + (x === k ? 1 : 0), 0);

  const queues: Record<StreamKind, Assignment[]> = {
    gold: Array.from(gold, (i) => make(i, { kind: 'gold' })),
    overlap: overlap.map((o) => make(o.item, { kind: 'overlap', targetK: o.targetK, labelsBefore: o.labelsBefore })),
    holdout: holdout.slice(0, slotsOf('holdout')).map((p) => make(p.item, { kind: 'holdout', group: p.group })),
    easy: Array.from(easy.subarray(0, slotsOf('easy')), (i) => make(i, { kind: 'easy', confidence: clamp01(ranking!.confidence[i]), predicted: ranking!.predicted[i] })),
    uncertain: [],
    cold: [],
  };
  const mainQueue = mainPicks(input, pool, main, slotsOf(main), queues.easy.map((a) => a.item), holdout.slice(slotsOf('holdout')), seeds, make);

  const assignments: Assignment[] = [];
  for (const kind of plan) {
    const next = kind === main ? mainQueue.shift() : queues[kind].shift();
    if (next) assignments.push(next);
  }
  return { assignments, main, short: want - assignments.length };
}

type Make = (item: number, stream: Stream) => Assignment;

function assignmentMaker(ranking: RankingView | undefined): Make {
  return (item, stream) => {
    const score = ranking ? ranking.score[item] : NaN;
    return { item, stream, score: Number.isNaN(score) ? null : score, rankingVersion: ranking ? ranking.version : null };
  };
}

/**
 * The main stream's items, then the fallbacks for when it runs dry: unranked free items at
 * random (the ranking did not cover them), then holdout items beyond the holdout share.
 */
function mainPicks(
  input: DealInput, pool: Pool, main: MainKind, need: number, usedEasy: number[], spareHoldout: HoldoutPick[],
  seeds: { main: number; fill: number }, make: Make,
): Assignment[] {
  const s = input.settings;
  const out: Assignment[] = [];
  if (need === 0) return out;
  const ranking = input.ranking;
  if (main === 'uncertain' && ranking) {
    // The pool is this deal's own: the easy picks are simply blocked from here on (no copy of n bytes).
    for (const i of usedEasy) blockItem(pool, i);
    const exclude = pool.blocked;
    const sel = pickUncertain(ranking.score, input.embeddings, {
      want: need, exclude, held: pool.held, fresh: pool.fresh, diversity: s.diversity, factor: s.shortlistFactor, order: ranking.byScore,
    });
    for (const i of sel.indices) out.push(make(i, { kind: 'uncertain', strategy: ranking.strategy }));
    if (out.length < need) {
      // Items the ranking does not cover (imported after it): not blocked, no score.
      const unranked: number[] = [];
      for (let i = 0; i < pool.n; i++) if (pool.blocked[i] === 0 && Number.isNaN(ranking.score[i])) unranked.push(i);
      for (const i of randomPick(Int32Array.from(unranked), need - out.length, seeds.fill).indices) out.push(make(i, { kind: 'cold', method: 'random' }));
    }
  } else {
    // Before the model is trusted: the trainer's low-budget batch (the ranking's lead) in its order,
    // then the server's own cold stream for what it leaves.
    const picked: number[] = [];
    if (s.cold === 'stratified' && ranking?.lead) {
      for (const i of ranking.lead) {
        if (picked.length >= need) break;
        if (i < 0 || i >= pool.n || pool.blocked[i] !== 0) continue;
        picked.push(i);
        blockItem(pool, i);
        out.push(make(i, { kind: 'cold', method: 'picked' }));
      }
    }
    if (out.length < need) coldPicks(input, pool, need - out.length, picked, seeds.main, make, out);
  }
  for (const p of spareHoldout) {
    if (out.length >= need) break;
    out.push(make(p.item, { kind: 'holdout', group: p.group }));
  }
  return out;
}

/** The server's own cold stream: one item per cluster of the embeddings (stratified) or seeded random, away from `also`. */
function coldPicks(input: DealInput, pool: Pool, need: number, also: number[], seed: number, make: Make, out: Assignment[]): void {
  const s = input.settings;
  if (input.coldIndex && s.cold === 'stratified' && input.embeddings) {
    // Precomputed clusters: no pass over the pool, no k-means per deal.
    const centres = Int32Array.from(new Set([...pool.held, ...pool.fresh, ...(input.labeled?.item ?? EMPTY), ...also]));
    for (const i of pickColdIndexed(input.embeddings, input.coldIndex, { want: need, blocked: pool.blocked, centres, seed })) {
      out.push(make(i, { kind: 'cold', method: 'stratified' }));
    }
  } else if ((s.cold === 'random' || !input.embeddings) && pool.n > 100_000) {
    // Random cold on a large pool: seeded draws of free items rather than listing every free item.
    for (const i of randomFree(pool.blocked, need, seed)) out.push(make(i, { kind: 'cold', method: 'random' }));
  } else {
    const centres = [...pool.held, ...pool.fresh, ...(input.labeled?.item ?? EMPTY), ...also];
    const cold = pickCold(input.embeddings, {
      want: need, method: s.cold, candidates: eligibleIndices(pool.n, undefined, pool.blocked), centres: Int32Array.from(new Set(centres)), seed,
    });
    for (const i of cold.indices) out.push(make(i, { kind: 'cold', method: cold.method }));
  }
}

function checkRanking(r: RankingView, n: number): void {
  for (const [name, a] of [['score', r.score], ['predicted', r.predicted], ['confidence', r.confidence]] as const) {
    if (a.length !== n) throw new RangeError(`ranking ${r.version}: ${name} has ${a.length} entries, the pool has ${n}`);
  }
  // The cached orders are trusted to hold pool indices only (a full check would cost the pass they save).
  for (const [name, a] of [['byScore', r.byScore], ['byConfidence', r.byConfidence]] as const) {
    if (a && a.length > n) throw new RangeError(`ranking ${r.version}: ${name} has ${a.length} entries, the pool has ${n}`);
  }
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
