import { describe, expect, it } from 'vitest';
import { bootstrapCommittee, buildFeatures, fitHead, edgelessGraph, labeledAccuracy, GRAPH_MAX_ITEMS, MC_MAX_ROWS, trainRound, type DenseHead, type DenseHeadInput } from '../../../lib/model';
import { STRATEGY_NAMES, TRUST_ACCURACY } from '../../../lib/al';
import { mulberry32 } from '../../../lib/random';

/** Three well-separated blobs of 30 points in 6-d, a few labels each. */
function data(gap = 5) {
  const rand = mulberry32(4);
  const n = 90;
  const d = 6;
  const x = new Float32Array(n * d);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    truth[i] = i % 3;
    for (let f = 0; f < d; f++) x[i * d + f] = (f === truth[i] ? gap : 0) + rand();
  }
  const labels = new Int32Array(n).fill(-1);
  for (const i of [0, 1, 2, 3, 4, 5]) labels[i] = truth[i];
  return { features: buildFeatures({ n, d, data: x }, { components: 3, neighbours: 5 }), labels, truth, n };
}

/**
 * A stand-in for the trainer's tfjs head (tests/workers/tf-head.test.ts tests
 * the real one): class 0 for every row, passes that disagree on odd rows.
 * Records what it was trained on and which rows its passes scored.
 */
function fakeHead(calls: { input: DenseHeadInput; passes?: { rows: Int32Array; t: number }; disposed: boolean }[] = []): DenseHead {
  return (input) => {
    const call: (typeof calls)[number] = { input, disposed: false };
    calls.push(call);
    const n = input.embeddings.n;
    const { k } = input;
    return {
      name: 'fake-head',
      predict: () => {
        const probs = new Float32Array(n * k);
        for (let i = 0; i < n; i++) probs[i * k] = 1;
        return { n, k, data: probs };
      },
      passes: (rows, t) => {
        call.passes = { rows, t };
        const data = new Float32Array(t * n * k);
        for (let s = 0; s < t; s++) for (const i of rows) data[(s * n + i) * k + (i % 2 === 1 ? s % k : 0)] = 1;
        return { n, k, t, data };
      },
      dispose: () => { call.disposed = true; },
    };
  };
}

describe('trainRound', () => {
  const { features, labels, truth, n } = data();
  const candidates = Int32Array.from({ length: n - 6 }, (_, i) => i + 6);

  it('runs every strategy the product offers, and never picks a labeled item', () => {
    for (const strategy of STRATEGY_NAMES) {
      const { probs, selection } = trainRound({ features, labels, k: 3, candidates, strategy, batch: 5, seed: 1, head: fakeHead() });
      expect(selection.indices.length, strategy).toBe(5);
      for (const i of selection.indices) expect(i, strategy).toBeGreaterThanOrEqual(6);
      expect(probs.n).toBe(n);
    }
  });

  it('uses the candidate head cross-validation picks, or the one named, and says which', () => {
    // Three labels a class: each class in every fold (with two, CV keeps the default, see heads.ts).
    const nine = Int32Array.from(truth, (c, i) => (i < 9 ? c : -1));
    const open = Int32Array.from({ length: n - 9 }, (_, i) => i + 9);
    const round = (heads: Parameters<typeof trainRound>[0]['heads']) => trainRound({ features, labels: nine, k: 3, candidates: open, strategy: 'margin', batch: 5, seed: 1, heads });
    const auto = round({ choose: 'auto' });
    expect(auto.head).toMatchObject({ reason: 'cv', labelCount: 9, folds: 3 });
    expect(auto.head!.scores.map((s) => s.head)).toEqual(['spreading', 'logistic-embedding']);
    expect(auto.probs.data).toEqual(fitHead(auto.head!.head, features, nine, 3).data);
    expect(trainRound({ features, labels, k: 3, candidates, strategy: 'margin', batch: 5, seed: 1, heads: { choose: 'auto' } }).head).toMatchObject({ head: 'spreading', reason: 'too-few-labels' });
    const forced = round({ choose: 'logistic-embedding' });
    expect(forced.head).toEqual({ head: 'logistic-embedding', reason: 'forced', labelCount: 9, folds: 0, scores: [] });
    expect(forced.probs.data).toEqual(fitHead('logistic-embedding', features, nine, 3).data);
    expect(round(undefined).head).toBeUndefined();
    // A pick made already (the trainer's last CV) is fitted and reported as it is, with no CV in the round.
    const earlier = { head: 'logistic-embedding' as const, reason: 'cv' as const, labelCount: 6, folds: 3, scores: auto.head!.scores };
    const reused = round({ choose: 'auto', use: earlier });
    expect(reused.head).toBe(earlier);
    expect(reused.probs.data).toEqual(fitHead('logistic-embedding', features, nine, 3).data);
  });

  it('with auto, measures the model on its own labels once the counts allow trust, and trusts it only when it predicts them', () => {
    const withLabels = (labeled: Int32Array, truthOf: (i: number) => number) => {
      const l = new Int32Array(n).fill(-1);
      for (const i of labeled) l[i] = truthOf(i);
      const open = Int32Array.from({ length: n }, (_, i) => i).filter((i) => l[i] < 0);
      return trainRound({ features, labels: l, k: 3, candidates: open, strategy: 'auto', batch: 5, seed: 1, heads: { choose: 'auto' } });
    };
    const first = (count: number) => Int32Array.from({ length: count }, (_, i) => i);
    // Under 20 labels: not measured, cold start.
    expect(withLabels(first(12), (i) => truth[i]).trust).toEqual({ phase: 'cold-start' });
    // 21 true labels of well-separated blobs: predicted, trusted. Seven labels a class: the head pick's CV ran, and its
    // score for the head in use is the evidence (nothing fitted twice).
    const goodRound = withLabels(first(21), (i) => truth[i]);
    const good = goodRound.trust!;
    expect(good.phase).toBe('spaced-margin');
    expect(good.labeledAccuracy).toBeGreaterThanOrEqual(TRUST_ACCURACY);
    expect(goodRound.head!.reason).toBe('cv');
    expect(good.labeledAccuracy).toBe(goodRound.head!.scores.find((x) => x.head === goodRound.head!.head)!.accuracy);
    // Without CV scores (a head named, or a class under three labels) it is measured with labeledAccuracy.
    const named = trainRound({ features, labels: Int32Array.from(truth, (c, i) => (i < 21 ? c : -1)), k: 3, candidates, strategy: 'auto', batch: 5, seed: 1, heads: { choose: 'spreading' } });
    expect(named.trust!.labeledAccuracy).toBe(labeledAccuracy(features, Int32Array.from(truth, (c, i) => (i < 21 ? c : -1)), 3, 'spreading', { seed: 1 })!.accuracy);
    // The same count of labels at random over the classes: the structure does not predict them, so not trusted yet.
    const rand = mulberry32(9);
    const noisy = withLabels(first(21), (i) => (i < 3 ? i : Math.floor(rand() * 3))).trust!;
    expect(noisy.phase).toBe('cold-start');
    expect(noisy.labeledAccuracy).toBeLessThan(TRUST_ACCURACY);
    // Trusted once, trusted after (no measuring again), and other strategies have no phase.
    const l = Int32Array.from(truth, (c, i) => (i < 21 ? (i < 3 ? i : Math.floor(rand() * 3)) : -1));
    const open = Int32Array.from({ length: n - 21 }, (_, i) => i + 21);
    expect(trainRound({ features, labels: l, k: 3, candidates: open, strategy: 'auto', batch: 5, seed: 1, trustedBefore: true }).trust).toEqual({ phase: 'spaced-margin' });
    expect(trainRound({ features, labels: l, k: 3, candidates: open, strategy: 'margin', batch: 5, seed: 1 }).trust).toBeUndefined();
  });

  it('fits the labels well enough to classify the blobs', () => {
    const { probs } = trainRound({ features, labels, k: 3, candidates, strategy: 'margin', batch: 5, seed: 1 });
    let right = 0;
    for (let i = 0; i < n; i++) {
      const row = [...probs.data.subarray(i * 3, i * 3 + 3)];
      if (row.indexOf(Math.max(...row)) === truth[i]) right++;
    }
    expect(right / n).toBeGreaterThan(0.95);
  });

  it('asks the head for MC-dropout passes over the candidates for BALD and vote entropy only, and says so', () => {
    const calls: Parameters<typeof fakeHead>[0] = [];
    const head = fakeHead(calls);
    const margin = trainRound({ features, labels, k: 3, candidates, strategy: 'margin', batch: 5, seed: 1, head });
    expect(calls).toHaveLength(0);
    expect(margin.samples).toBeUndefined();
    expect(margin.model).toEqual({ kind: 'spreading' });
    const bald = trainRound({ features, labels, k: 3, candidates, strategy: 'bald', batch: 5, seed: 9, head, passes: 6 });
    expect(calls).toHaveLength(1);
    expect(calls[0].input).toMatchObject({ seed: 9, k: 3 });
    expect([...calls[0].input.rows]).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...calls[0].input.labels]).toEqual([...labels.subarray(0, 6)]);
    expect(calls[0].passes?.t).toBe(6);
    expect([...calls[0].passes!.rows]).toEqual([...candidates]);
    expect(calls[0].disposed).toBe(true);
    expect(bald.samples).toEqual({ kind: 'mc-dropout', passes: 6, head: 'fake-head' });
    // The passes disagree on odd rows only: BALD picks those.
    for (const i of bald.selection.indices) expect(i % 2).toBe(1);
    // The spread, not the head, is still the model.
    expect(bald.probs).toEqual(margin.probs);
  });

  it('refuses BALD without a head rather than ranking with something else, unless the bootstrap committee is asked for', () => {
    expect(() => trainRound({ features, labels, k: 3, candidates, strategy: 'bald', batch: 5, seed: 1 })).toThrow(/needs MC-dropout passes of the trainer's dense head/);
    const r = trainRound({ features, labels, k: 3, candidates, strategy: 'bald', batch: 5, seed: 1, committee: 'bootstrap' });
    expect(r.samples).toEqual({ kind: 'bootstrap', members: 5 });
  });

  it(`models a pool above ${GRAPH_MAX_ITEMS} items with the head (no graph), and refuses one without a head`, () => {
    const big = GRAPH_MAX_ITEMS + 1;
    const embeddings = { n: big, d: 1, data: new Float32Array(big) };
    const bigLabels = new Int32Array(big).fill(-1);
    bigLabels[0] = 0;
    bigLabels[1] = 1;
    const input = { features: { embeddings, graph: edgelessGraph(big) }, labels: bigLabels, k: 2, candidates: Int32Array.from({ length: 10 }, (_, i) => i + 2), strategy: 'margin' as const, batch: 3, seed: 1 };
    const calls: Parameters<typeof fakeHead>[0] = [];
    const r = trainRound({ ...input, head: fakeHead(calls) });
    expect(r.model).toEqual({ kind: 'dense', name: 'fake-head' });
    expect(calls[0].passes).toBeUndefined();
    expect(calls[0].disposed).toBe(true);
    expect(r.probs.data[0]).toBe(1);
    expect(r.selection.indices.length).toBe(3);
    // BALD on such a pool: the head's passes, even when the bootstrap committee is asked for (there is no graph to spread over).
    expect(trainRound({ ...input, strategy: 'bald', committee: 'bootstrap', head: fakeHead() }).samples).toMatchObject({ kind: 'mc-dropout' });
    expect(() => trainRound(input)).toThrow(/no neighbour graph .* needs the trainer's dense head/);
  });

  it(`runs the MC-dropout passes over the ${MC_MAX_ROWS} candidates with the smallest margins when there are more, fewer passes on a big pool`, () => {
    const big = GRAPH_MAX_ITEMS + 60_000;
    const embeddings = { n: big, d: 1, data: new Float32Array(big) };
    const bigLabels = new Int32Array(big).fill(-1);
    bigLabels[0] = 0;
    const calls: Parameters<typeof fakeHead>[0] = [];
    const all = Int32Array.from({ length: big - 1 }, (_, i) => i + 1);
    const r = trainRound({ features: { embeddings, graph: edgelessGraph(big) }, labels: bigLabels, k: 50, candidates: all, strategy: 'bald', batch: 4, seed: 1, head: fakeHead(calls) });
    const scored = calls[0].passes!;
    expect(scored.rows.length).toBe(MC_MAX_ROWS);
    expect(scored.t).toBe(Math.floor(50_000_000 / (big * 50)));
    expect(r.selection.indices.length).toBe(4);
  });

  it(`builds features of a pool above ${GRAPH_MAX_ITEMS} items without a graph, projecting every row`, () => {
    const big = GRAPH_MAX_ITEMS + 5;
    const rand = mulberry32(8);
    // Variance along the first axis only, plus a little noise: the first direction is that axis.
    const x = Float32Array.from({ length: big * 3 }, (_, j) => (j % 3 === 0 ? 10 : 0.1) * (rand() - 0.5));
    const f = buildFeatures({ n: big, d: 3, data: x }, { components: 2 });
    expect(f.embeddings).toMatchObject({ n: big, d: 2 });
    expect(f.graph.n).toBe(big);
    expect(f.graph.cols.length).toBe(0);
    const last = big - 1;
    expect(Math.abs(f.embeddings.data[last * 2])).toBeCloseTo(Math.abs(x[last * 3] - 0), 0);
  });

  it('builds a bootstrap committee whose members are label-spreading fits of label subsets, seeded', () => {
    // Overlapping blobs, so that which labels a member keeps changes what it believes.
    const { features, labels, n } = data(0.8);
    const a = bootstrapCommittee(features, labels, 3, { seed: 2, members: 4 });
    expect(a).toMatchObject({ n, k: 3, t: 4 });
    expect([...a.data]).toEqual([...bootstrapCommittee(features, labels, 3, { seed: 2, members: 4 }).data]);
    expect([...a.data]).not.toEqual([...bootstrapCommittee(features, labels, 3, { seed: 3, members: 4 }).data]);
    for (let s = 0; s < 4; s++) {
      const row = a.data.subarray(s * n * 3, s * n * 3 + 3);
      expect(row[0] + row[1] + row[2]).toBeCloseTo(1, 5);
    }
  });
});
