import { describe, expect, it } from 'vitest';
import type { Embeddings } from '../../../lib/al/types';
import { batchSeed, dealBatch } from '../../../lib/queue/deal';
import type { RankingView } from '../../../lib/queue/input';
import type { QueueSettings } from '../../../lib/queue/settings';
import { isHard, type Assignment, type StreamKind } from '../../../lib/queue/streams';
import { ints, longestRun, settings, syntheticPool } from './fixtures';

/**
 * A team labeling one pool: annotators take turns; each turn an annotator labels the batch
 * they hold and is dealt the next one while the others hold theirs. Every 50 batches the
 * "trainer" re-ranks (labeled items leave the ranking, and fresh restarts).
 */
interface Team {
  n: number;
  emb: Embeddings;
  ranking: RankingView;
  gold: Int32Array;
  holdout: { item: Int32Array; group: Int32Array };
  /** One row per item: 1 when it is an exact copy of an earlier item (copyOf[i] ≥ 0). */
  copyOf: Int32Array;
}

function buildTeamPool(n: number, seed: number): Team {
  const { emb, ranking } = syntheticPool(n, seed, { clusters: 20, classes: 5 });
  const copyOf = new Int32Array(n).fill(-1);
  // Every 20th item is an exact copy of the item before it (re-imports, duplicate frames).
  for (let i = 20; i < n; i += 20) {
    emb.data.copyWithin(i * emb.d, (i - 1) * emb.d, i * emb.d);
    copyOf[i] = i - 1;
    ranking.score[i] = ranking.score[i - 1];
  }
  const holdoutItems: number[] = [];
  for (let i = 3; i < n; i += 10) holdoutItems.push(i);
  const gold = ints(Array.from({ length: 50 }, (_, j) => 7 + j * 10));
  return { n, emb, ranking, gold, holdout: { item: ints(holdoutItems), group: ints(holdoutItems.map((i) => i % 97)) }, copyOf };
}

function simulate(team: Team, s: QueueSettings, annotators: number, batches: number) {
  const { n } = team;
  const labels = new Map<number, Set<number>>();
  const seen = Array.from({ length: annotators }, () => new Set<number>());
  const holding: Assignment[][] = Array.from({ length: annotators }, () => []);
  const history: StreamKind[][] = Array.from({ length: annotators }, () => []);
  const perAnnotator: StreamKind[][] = Array.from({ length: annotators }, () => []);
  let ranking = { ...team.ranking, score: Float32Array.from(team.ranking.score) };
  let fresh: number[] = [];
  const violations: string[] = [];
  for (let b = 0; b < batches; b++) {
    const me = b % annotators;
    for (const a of holding[me]) {
      if (!labels.has(a.item)) labels.set(a.item, new Set());
      labels.get(a.item)!.add(me);
      fresh.push(a.item);
    }
    holding[me] = [];
    if (b % 50 === 0) {
      ranking = { ...ranking, version: ranking.version + 1, score: Float32Array.from(team.ranking.score) };
      for (const i of labels.keys()) ranking.score[i] = NaN;
      fresh = [];
    }
    const heldItem: number[] = [];
    const heldBy: number[] = [];
    holding.forEach((h, who) => h.forEach((a) => { heldItem.push(a.item); heldBy.push(who); }));
    const labeledItems = [...labels.keys()];
    const batch = dealBatch({
      n, ranking, embeddings: team.emb, trusted: true, settings: s, seed: batchSeed(1, me, b),
      labeled: { item: ints(labeledItems), count: ints(labeledItems.map((i) => labels.get(i)!.size)) },
      fresh: ints(fresh), held: { item: ints(heldItem), by: ints(heldBy) }, mine: ints(seen[me]),
      gold: team.gold, holdout: team.holdout, history: history[me].slice(-50),
    });
    const heldNow = new Set(heldItem);
    for (const a of batch.assignments) {
      const k = a.stream.kind;
      if (heldNow.has(a.item) && k !== 'overlap' && k !== 'gold') violations.push(`batch ${b}: item ${a.item} (${k}) is held by another annotator`);
      if (seen[me].has(a.item)) violations.push(`batch ${b}: item ${a.item} dealt twice to annotator ${me}`);
      // No two annotators hold copies at once (outside overlap and gold, which share items on purpose).
      if (k === 'uncertain' || k === 'easy') {
        const twin = team.copyOf[a.item] >= 0 ? team.copyOf[a.item] : team.copyOf.indexOf(a.item);
        if (twin >= 0 && heldNow.has(twin)) violations.push(`batch ${b}: item ${a.item} is a copy of held item ${twin}`);
      }
      seen[me].add(a.item);
      history[me].push(k);
      perAnnotator[me].push(k);
    }
    holding[me] = batch.assignments;
  }
  return { violations, perAnnotator, all: perAnnotator.flat(), labels };
}

const share = (xs: StreamKind[], k: StreamKind) => xs.filter((x) => x === k).length / xs.length;

describe('a team of 5 dealing 1,000 batches from one pool', () => {
  const team = buildTeamPool(15_000, 21);
  const s = settings({ easyShare: 0.2, holdoutShare: 0.1, overlapShare: 0.1, goldShare: 0.02 });
  const run = simulate(team, s, 5, 1000);

  it('never deals an item another annotator holds, nor a copy of one, nor one item twice to one annotator', () => {
    expect(run.violations).toEqual([]);
    expect(run.all.length).toBe(10_000);
  });

  it('keeps every stream at its share within tolerance (easy 0.2 ± 0.03)', () => {
    expect(Math.abs(share(run.all, 'easy') - 0.2)).toBeLessThan(0.03);
    expect(Math.abs(share(run.all, 'holdout') - 0.1)).toBeLessThan(0.03);
    expect(Math.abs(share(run.all, 'overlap') - 0.1)).toBeLessThan(0.03);
    expect(Math.abs(share(run.all, 'gold') - 0.02)).toBeLessThan(0.01);
  });

  it('never gives anyone more than K = 4 hard items in a row', () => {
    for (const seq of run.perAnnotator) expect(longestRun(seq, isHard)).toBeLessThanOrEqual(4);
  });

  it('never overlaps a pool item past k = 2 labellers (gold items go to everyone)', () => {
    const gold = new Set(team.gold);
    let overlapped = 0;
    for (const [item, who] of run.labels) {
      if (gold.has(item)) continue;
      expect(who.size).toBeLessThanOrEqual(2);
      if (who.size === 2) overlapped++;
    }
    expect(overlapped).toBeGreaterThan(500);
  });

  it('deals gold items to several annotators each', () => {
    const gold = [...team.gold].map((i) => run.labels.get(i)?.size ?? 0);
    expect(Math.max(...gold)).toBeGreaterThan(1);
  });
});
