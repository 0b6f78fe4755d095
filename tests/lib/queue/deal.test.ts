import { describe, expect, it } from 'vitest';
import { batchSeed, dealBatch } from '../../../lib/queue/deal';
import { Assignment } from '../../../lib/queue/streams';
import { dealInput, ints, itemsOf, kindsOf, settings, syntheticPool } from './fixtures';

describe('dealBatch', () => {
  it('deals a batch of the batch size, each with its stream, the ranking version and the score at that moment', () => {
    const input = dealInput(500, 1);
    const b = dealBatch(input);
    expect(b.assignments).toHaveLength(10);
    expect(b.short).toBe(0);
    expect(b.main).toBe('uncertain');
    for (const a of b.assignments) {
      expect(Assignment.safeParse(a).success).toBe(true);
      expect(a.rankingVersion).toBe(7);
      expect(a.score).toBe(input.ranking!.score[a.item]);
    }
    expect(b.assignments.find((a) => a.stream.kind === 'uncertain')!.stream).toEqual({ kind: 'uncertain', strategy: 'auto' });
    const easy = b.assignments.find((a) => a.stream.kind === 'easy')!;
    expect(easy.stream).toEqual({ kind: 'easy', confidence: input.ranking!.confidence[easy.item], predicted: input.ranking!.predicted[easy.item] });
  });

  it('mixes 2 easy items and 1 holdout item into a default batch of 10', () => {
    const kinds = kindsOf(dealBatch(dealInput(500, 2, { holdout: { item: ints([0, 1, 2, 3]), group: ints([0, 0, 1, 1]) } })));
    expect(kinds.filter((k) => k === 'easy')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'holdout')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'uncertain')).toHaveLength(7);
  });

  it('is deterministic for a seed and changes with it', () => {
    const input = dealInput(500, 3, { held: { item: ints([5, 6]), by: ints([1, 2]) }, holdout: { item: ints([0, 1, 2, 3]), group: ints([0, 0, 1, 1]) } });
    expect(dealBatch(input)).toEqual(dealBatch({ ...input }));
    const other = dealBatch({ ...input, seed: 99 });
    expect(itemsOf(other)).not.toEqual(itemsOf(dealBatch(input)));
  });

  it('takes the best-ranked items for the uncertain stream', () => {
    const input = dealInput(500, 4, { settings: settings({ easyShare: 0, holdoutShare: 0, diversity: 'rank' }) });
    const best = Array.from(input.ranking!.score.keys()).sort((a, b) => input.ranking!.score[b] - input.ranking!.score[a]).slice(0, 10);
    expect(itemsOf(dealBatch(input))).toEqual(best);
  });

  it('never deals what others hold, what this annotator has seen, labeled, fresh or excluded items', () => {
    const n = 300;
    const forbidden = { held: [1, 2, 3], mine: [4, 5], labeled: [6, 7], fresh: [8], excluded: [9, 10] };
    const input = dealInput(n, 5, {
      held: { item: ints(forbidden.held), by: ints([1, 1, 2]) },
      mine: ints(forbidden.mine),
      labeled: { item: ints(forbidden.labeled), count: ints([1, 1]) },
      fresh: ints(forbidden.fresh),
      excluded: ints(forbidden.excluded),
      settings: settings({ batchSize: 100, diversity: 'rank' }),
    });
    // Make the forbidden items the best-ranked and most confident: only the rules keep them out.
    for (const i of Object.values(forbidden).flat()) {
      input.ranking!.score[i] = 2;
      input.ranking!.confidence[i] = 1;
    }
    const dealt = itemsOf(dealBatch(input));
    expect(dealt).toHaveLength(100);
    for (const i of Object.values(forbidden).flat()) expect(dealt).not.toContain(i);
  });

  it('deals gold items only as gold and holdout items only as holdout, never through the strategy', () => {
    const input = dealInput(300, 6, {
      gold: ints([0, 1, 2]),
      holdout: { item: ints([3, 4, 5]), group: ints([0, 1, 2]) },
      settings: settings({ batchSize: 100, goldShare: 0.03, holdoutShare: 0.03 }),
    });
    for (const i of [0, 1, 2, 3, 4, 5]) input.ranking!.score[i] = 2;
    const b = dealBatch(input);
    for (const a of b.assignments) {
      if (a.item <= 2) expect(a.stream.kind).toBe('gold');
      if (a.item >= 3 && a.item <= 5) expect(a.stream).toEqual({ kind: 'holdout', group: a.item - 3 });
    }
    expect(kindsOf(b).filter((k) => k === 'gold')).toHaveLength(3);
  });

  it('deals a gold item unannounced: its stream carries nothing, and the page shows the main stream', () => {
    const b = dealBatch(dealInput(200, 7, { gold: ints([0, 1, 2, 3, 4]), settings: settings({ goldShare: 0.2 }) }));
    const gold = b.assignments.filter((a) => a.stream.kind === 'gold');
    expect(gold).toHaveLength(2);
    for (const g of gold) expect(Object.keys(g.stream)).toEqual(['kind']);
  });

  it('deals an item again for overlap while it has fewer than k labels by others, never to its labeler', () => {
    const input = dealInput(200, 8, {
      labeled: { item: ints([10, 11, 12, 13]), count: ints([1, 2, 1, 1]) },
      mine: ints([12]),
      settings: settings({ overlapShare: 0.3, overlapK: 2, easyShare: 0.2, holdoutShare: 0 }),
    });
    const overlap = dealBatch(input).assignments.filter((a) => a.stream.kind === 'overlap');
    expect(overlap.map((a) => a.item).sort()).toEqual([10, 13]);
    for (const a of overlap) expect(a.stream).toEqual({ kind: 'overlap', targetK: 2, labelsBefore: 1 });
  });

  it('deals cold items before the model is trusted, and before any ranking', () => {
    const { emb, cluster } = syntheticPool(400, 9, { clusters: 8 });
    const untrusted = dealBatch(dealInput(400, 9, { trusted: false, embeddings: emb, settings: settings({ holdoutShare: 0, batchSize: 8 }) }));
    expect(untrusted.main).toBe('cold');
    expect(kindsOf(untrusted)).toEqual(Array(8).fill('cold'));
    expect(untrusted.assignments[0].stream).toEqual({ kind: 'cold', method: 'stratified' });
    // One per cluster: the first labels cover the modes of the data.
    expect(new Set(itemsOf(untrusted).map((i) => cluster[i])).size).toBe(8);
    expect(untrusted.assignments[0].rankingVersion).toBe(7);

    const unranked = dealBatch({ n: 400, trusted: false, settings: settings({ cold: 'random', holdoutShare: 0 }), seed: 3 });
    expect(unranked.assignments.every((a) => a.stream.kind === 'cold' && a.rankingVersion === null && a.score === null)).toBe(true);
    expect(unranked.assignments[0].stream).toEqual({ kind: 'cold', method: 'random' });
  });

  it('before the model is trusted, deals the trainer\'s low-budget picks (the ranking\'s lead) in their order, then its own cold stream', () => {
    const { emb, cluster } = syntheticPool(400, 9, { clusters: 8 });
    const base = dealInput(400, 9, { trusted: false, embeddings: emb, settings: settings({ holdoutShare: 0, batchSize: 8 }) });
    const lead = ints([50, 7, 301, 12, 99]);
    const input = { ...base, ranking: { ...base.ranking!, lead } };
    const b = dealBatch(input);
    expect(itemsOf(b).slice(0, 5)).toEqual([50, 7, 301, 12, 99]);
    expect(b.assignments.slice(0, 5).every((a) => a.stream.kind === 'cold' && a.stream.method === 'picked')).toBe(true);
    // The rest: one per cluster the picks left uncovered.
    const rest = b.assignments.slice(5);
    expect(rest.every((a) => a.stream.kind === 'cold' && a.stream.method === 'stratified')).toBe(true);
    const pickedClusters = new Set([50, 7, 301, 12, 99].map((i) => cluster[i]));
    for (const a of rest) expect(pickedClusters.has(cluster[a.item])).toBe(false);

    // Another annotator holds two picks and this one labeled a third: the free picks, in order.
    const busy = dealBatch({ ...input, held: { item: ints([7, 12]), by: ints([2, 2]) }, mine: ints([50]) });
    expect(itemsOf(busy).slice(0, 2)).toEqual([301, 99]);
    expect(itemsOf(busy)).not.toContain(7);
    expect(itemsOf(busy)).not.toContain(12);
    // A project set to a random cold start keeps it; a trusted model deals by uncertainty.
    expect(dealBatch({ ...input, settings: settings({ holdoutShare: 0, batchSize: 8, cold: 'random' }) }).assignments.every((a) => a.stream.kind === 'cold' && a.stream.method === 'random')).toBe(true);
    expect(dealBatch({ ...input, trusted: true }).assignments.some((a) => a.stream.kind === 'cold')).toBe(false);
  });

  it('before a ranking exists, still mixes in holdout, gold and overlap items at their shares', () => {
    const b = dealBatch({
      n: 100, trusted: false, seed: 4,
      settings: settings({ goldShare: 0.1, overlapShare: 0.1, holdoutShare: 0.1, easyShare: 0.2 }),
      gold: ints([0, 1]), holdout: { item: ints([2, 3]), group: ints([0, 0]) }, labeled: { item: ints([4, 5]), count: ints([1, 1]) },
    });
    const kinds = kindsOf(b);
    for (const k of ['gold', 'overlap', 'holdout']) expect(kinds.filter((x) => x === k)).toHaveLength(1);
    expect(kinds).not.toContain('easy');
    expect(kinds.filter((x) => x === 'cold')).toHaveLength(7);
  });

  it('falls back to unranked items, then to more holdout items, when the ranking runs dry; then deals fewer', () => {
    const n = 30;
    const { ranking } = syntheticPool(n, 10);
    // Only items 0–3 are ranked; 4–7 are unranked; 20–29 are holdout; the rest are labeled.
    for (let i = 4; i < n; i++) {
      ranking.score[i] = NaN;
      ranking.confidence[i] = NaN;
      ranking.predicted[i] = -1;
    }
    const holdout = { item: ints(Array.from({ length: 10 }, (_, j) => 20 + j)), group: ints(Array.from({ length: 10 }, (_, j) => j % 3)) };
    const labeled = { item: ints(Array.from({ length: 12 }, (_, j) => 8 + j)), count: ints(Array(12).fill(1)) };
    const b = dealBatch({ n, ranking, trusted: true, holdout, labeled, seed: 1, settings: settings({ batchSize: 20, easyShare: 0.2, holdoutShare: 0.1 }) });
    const kinds = kindsOf(b);
    expect(kinds.filter((k) => k === 'uncertain' || k === 'easy')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'cold')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'holdout')).toHaveLength(10);
    expect(b.short).toBe(2);
    expect(new Set(itemsOf(b)).size).toBe(18);
    for (const i of itemsOf(b)) expect(i < 8 || i >= 20).toBe(true);
  });

  it('deals nothing from an exhausted pool and an empty batch for want 0', () => {
    const n = 10;
    const labeled = { item: ints(Array.from({ length: n }, (_, i) => i)), count: ints(Array(n).fill(1)) };
    const b = dealBatch(dealInput(n, 11, { labeled, mine: labeled.item }));
    expect(b.assignments).toEqual([]);
    expect(b.short).toBe(10);
    expect(dealBatch(dealInput(100, 11, { want: 0 })).assignments).toEqual([]);
    expect(dealBatch({ n: 0, trusted: false, settings: settings(), seed: 1 })).toEqual({ assignments: [], main: 'cold', short: 10 });
  });

  it('deals `want` items when the service asks for fewer than a batch', () => {
    expect(dealBatch(dealInput(100, 12, { want: 3 })).assignments).toHaveLength(3);
  });

  it('deals holdout items only once a target is met and the project is set to holdout-only', () => {
    const b = dealBatch(dealInput(100, 13, { mode: 'holdout-only', holdout: { item: ints([1, 2, 3]), group: ints([0, 1, 1]) } }));
    expect(kindsOf(b)).toEqual(['holdout', 'holdout', 'holdout']);
    expect(b.short).toBe(7);
  });

  it('deals the same batch from the cached rank orders as from a scan of the pool', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const input = dealInput(600, seed, {
        held: { item: ints([seed, seed + 50, seed + 100]), by: ints([1, 2, 3]) },
        labeled: { item: ints([seed + 1, seed + 2]), count: ints([1, 1]) },
        settings: settings({ batchSize: 20, easyShare: 0.25, diversity: (['spaced', 'kcenter', 'rank'] as const)[seed % 3] }),
      });
      const r = input.ranking!;
      r.score[seed + 3] = NaN; // one unranked item
      r.confidence[seed + 3] = NaN;
      r.predicted[seed + 3] = -1;
      const ranked = Array.from(r.score.keys()).filter((i) => !Number.isNaN(r.score[i]));
      const byScore = ints(ranked.slice().sort((a, b) => r.score[b] - r.score[a] || a - b));
      const byConfidence = ints(ranked.slice().sort((a, b) => r.confidence[b] - r.confidence[a] || a - b));
      expect(dealBatch({ ...input, ranking: { ...r, byScore, byConfidence } })).toEqual(dealBatch(input));
    }
  });

  it('refuses input that does not fit the pool', () => {
    expect(() => dealBatch(dealInput(50, 1, { mine: ints([50]) }))).toThrow(/mine has item 50, outside the pool \[0, 50\)/);
    expect(() => dealBatch(dealInput(50, 1, { held: { item: ints([1]), by: ints([]) } }))).toThrow(/held has 1 items but 0 holders/);
    const { ranking } = syntheticPool(40, 1);
    expect(() => dealBatch(dealInput(50, 1, { ranking }))).toThrow(/score has 40 entries, the pool has 50/);
    expect(() => dealBatch(dealInput(50, 1, { embeddings: syntheticPool(40, 1).emb }))).toThrow(/embeddings cover 40 items/);
    expect(() => dealBatch(dealInput(50, 1, { want: -1 }))).toThrow(/want must be a whole number/);
  });
});

describe('batchSeed', () => {
  it('is stable for the same project, annotator and batch, and differs otherwise', () => {
    expect(batchSeed(1, 2, 3)).toBe(batchSeed(1, 2, 3));
    const seeds = new Set([batchSeed(1, 2, 3), batchSeed(1, 2, 4), batchSeed(1, 3, 3), batchSeed(2, 2, 3)]);
    expect(seeds.size).toBe(4);
    expect(Number.isInteger(batchSeed(1, 2, 3))).toBe(true);
  });
});
