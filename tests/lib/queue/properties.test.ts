import { describe, expect, it } from 'vitest';
import { indexCold } from '../../../lib/queue/cold';
import { dealBatch } from '../../../lib/queue/deal';
import { withPool } from '../../../lib/queue/pool';
import { indexHoldout } from '../../../lib/queue/holdout';
import type { DealInput } from '../../../lib/queue/input';
import { Assignment, STREAM_KINDS, type StreamKind } from '../../../lib/queue/streams';
import { mulberry32 } from '../../../lib/random';
import { ints, settings, syntheticPool } from './fixtures';

/**
 * Seeded randomized property loops (fast-check is not installed in this repo): each case
 * draws a pool, holds, labels, gold, holdout, history and settings from one seed, deals a
 * batch, and checks the invariants that must hold for every input.
 */

function subset(rng: () => number, n: number, p: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (rng() < p) out.push(i);
  return out;
}

/** Half the cases deal with the precomputed holdout layout and cold clusters of a pool view. */
function withIndexes(input: DealInput, seed: number): DealInput {
  if (mulberry32(seed ^ 0x1d3f)() < 0.5 || input.n === 0) return input;
  return {
    ...input,
    holdoutIndex: indexHoldout(input.holdout!, input.n),
    coldIndex: input.embeddings ? indexCold(input.embeddings, { k: 1 + (seed % 16) }) : undefined,
  };
}

function randomCase(seed: number, size?: number): DealInput {
  const rng = mulberry32(seed);
  const drawn = Math.floor(rng() * 300);
  const n = size ?? drawn;
  const { emb, ranking } = syntheticPool(Math.max(n, 1), seed, { clusters: 1 + Math.floor(rng() * 10) });
  const cut = <T extends Float32Array | Int32Array>(a: T) => a.subarray(0, n) as T;
  const r = { ...ranking, score: cut(ranking.score), confidence: cut(ranking.confidence), predicted: cut(ranking.predicted) };
  // Some items unranked; some exact copies.
  for (let i = 0; i < n; i++) {
    if (rng() < 0.1) {
      r.score[i] = NaN;
      r.confidence[i] = NaN;
      r.predicted[i] = -1;
    }
    if (i > 0 && rng() < 0.05) emb.data.copyWithin(i * emb.d, (i - 1) * emb.d, i * emb.d);
  }
  const labeledItems = subset(rng, n, rng() * 0.5);
  const heldItems = subset(rng, n, rng() * 0.2);
  const holdoutItems = subset(rng, n, rng() * 0.3);
  const shares = [rng(), rng(), rng(), rng()].map((x) => (rng() < 0.3 ? 0 : x * 0.25));
  const history: StreamKind[] = Array.from({ length: Math.floor(rng() * 30) }, () => STREAM_KINDS[Math.floor(rng() * STREAM_KINDS.length)]);
  return {
    n,
    ranking: rng() < 0.85 ? r : undefined,
    embeddings: rng() < 0.8 ? { n, d: emb.d, data: emb.data.subarray(0, n * emb.d) } : undefined,
    trusted: rng() < 0.7,
    labeled: { item: ints(labeledItems), count: ints(labeledItems.map(() => 1 + Math.floor(rng() * 3))) },
    fresh: ints(labeledItems.filter(() => rng() < 0.3)),
    held: { item: ints(heldItems), by: ints(heldItems.map(() => 1 + Math.floor(rng() * 4))) },
    mine: ints(subset(rng, n, rng() * 0.2)),
    gold: ints(subset(rng, n, rng() * 0.1)),
    holdout: { item: ints(holdoutItems), group: ints(holdoutItems.map(() => Math.floor(rng() * 5))) },
    excluded: ints(subset(rng, n, rng() * 0.05)),
    history,
    settings: settings({
      batchSize: 1 + Math.floor(rng() * 40),
      easyShare: shares[0], overlapShare: shares[1], goldShare: shares[2], holdoutShare: shares[3],
      maxHardInARow: 1 + Math.floor(rng() * 6),
      overlapK: 2 + Math.floor(rng() * 3),
      cold: rng() < 0.5 ? 'stratified' : 'random',
      diversity: (['spaced', 'kcenter', 'rank'] as const)[Math.floor(rng() * 3)],
      shortlistFactor: 1 + rng() * 12,
    }),
    mode: rng() < 0.05 ? 'holdout-only' : 'learn',
    seed,
  };
}

const CASES = 400;

describe('dealBatch, deal after deal', () => {
  it('deals as on a fresh pool: each deal puts back all it wrote in the block the next one reuses', () => {
    // One pool size and one holdout and gold list throughout (as a pool view keeps them), so
    // every deal reuses the block the one before it left; lists cut short, so that most deals
    // put back item by item what they wrote rather than leave the block to be cleared.
    const fixed = randomCase(0, 400);
    const few = (a?: Int32Array) => a?.subarray(0, 3);
    for (let seed = 1; seed <= 150; seed++) {
      const c = randomCase(seed, 400);
      const input = withIndexes({
        ...c, holdout: fixed.holdout, gold: fixed.gold, mine: few(c.mine), fresh: few(c.fresh), excluded: few(c.excluded),
        labeled: c.labeled && { item: few(c.labeled.item)!, count: few(c.labeled.count)! }, held: c.held && { item: few(c.held.item)!, by: few(c.held.by)! },
      }, seed);
      const reused = dealBatch(input);
      // A deal inside a deal gets a block of its own, built from nothing.
      const fresh = withPool(input, () => dealBatch(input));
      expect(reused, `case ${seed}`).toEqual(fresh);
    }
  });
});

describe('dealBatch on random inputs', () => {
  it(`keeps every invariant over ${CASES} seeded cases`, () => {
    const seenKinds = new Map<string, number>();
    let shortBatches = 0;
    let heldReDealt = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const input = withIndexes(randomCase(seed), seed);
      const b = dealBatch(input);
      const where = `case ${seed}`;
      const items = b.assignments.map((a) => a.item);
      const want = input.settings.batchSize;
      // A batch never holds an item twice, nor more than asked; short says how many are missing.
      expect(new Set(items).size, where).toBe(items.length);
      expect(items.length + b.short, where).toBe(want);
      expect(b.assignments).toEqual(dealBatch({ ...input }).assignments);

      const set = (xs?: Int32Array) => new Set(xs ?? []);
      const mine = set(input.mine);
      const held = set(input.held?.item);
      const gold = set(input.gold);
      const excluded = set(input.excluded);
      const fresh = set(input.fresh);
      const holdout = new Map<number, number>();
      input.holdout!.item.forEach((i, j) => holdout.set(i, input.holdout!.group[j]));
      const labels = new Map<number, number>();
      input.labeled!.item.forEach((i, j) => labels.set(i, (labels.get(i) ?? 0) + input.labeled!.count[j]));
      const isHoldout = (i: number) => holdout.has(i) && !gold.has(i) && !excluded.has(i);
      const isGold = (i: number) => gold.has(i) && !excluded.has(i);

      if (b.short > 0) shortBatches++;
      for (const a of b.assignments) {
        seenKinds.set(a.stream.kind, (seenKinds.get(a.stream.kind) ?? 0) + 1);
        if (held.has(a.item)) heldReDealt++;
        const ctx = `${where}, item ${a.item} (${a.stream.kind})`;
        expect(Assignment.safeParse(a).success, ctx).toBe(true);
        expect(mine.has(a.item), ctx).toBe(false);
        expect(excluded.has(a.item), ctx).toBe(false);
        expect(a.rankingVersion, ctx).toBe(input.ranking ? input.ranking.version : null);
        const k = a.stream.kind;
        // Items others hold only go out again on purpose.
        if (held.has(a.item)) expect(['overlap', 'gold'], ctx).toContain(k);
        // Gold and holdout items only through their own streams, and those streams only with them.
        expect(k === 'gold', ctx).toBe(isGold(a.item));
        expect(k === 'holdout', ctx).toBe(isHoldout(a.item));
        if (k === 'holdout') expect(a.stream, ctx).toEqual({ kind: 'holdout', group: holdout.get(a.item) });
        // Labeled items only as overlap (below k) or gold.
        if (labels.has(a.item) && k !== 'gold') {
          expect(k, ctx).toBe('overlap');
          expect(labels.get(a.item)!, ctx).toBeLessThan(input.settings.overlapK);
        }
        if (k !== 'overlap' && k !== 'gold') expect(fresh.has(a.item), ctx).toBe(false);
        if (k === 'uncertain' || k === 'easy') {
          expect(b.main, ctx).toBe('uncertain');
          expect(Number.isNaN(input.ranking!.score[a.item]), ctx).toBe(false);
        }
        if (input.mode === 'holdout-only') expect(k, ctx).toBe('holdout');
      }
      if (!(input.ranking && input.trusted)) expect(b.assignments.some((a) => a.stream.kind === 'uncertain' || a.stream.kind === 'easy'), where).toBe(false);

      // Never padded, never short for no reason: without holds, a short batch means every free item was dealt.
      if (b.short > 0 && held.size === 0 && input.mode !== 'holdout-only') {
        const dealt = new Set(items);
        for (let i = 0; i < input.n; i++) {
          const free = !mine.has(i) && !excluded.has(i) && !labels.has(i) && !fresh.has(i) && !gold.has(i);
          if (free) expect(dealt.has(i), `${where}: free item ${i} left out of a short batch`).toBe(true);
        }
      }
    }
    // The cases reach every stream, short batches, and the deliberate re-deals of held items.
    for (const k of STREAM_KINDS) expect(seenKinds.get(k) ?? 0, k).toBeGreaterThan(20);
    expect(shortBatches).toBeGreaterThan(20);
    expect(heldReDealt).toBeGreaterThan(5);
  });
});
