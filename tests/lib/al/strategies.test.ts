import { describe, expect, it } from 'vitest';
import { typicalCluster } from '../../../lib/al/typical';
import { TRUST_ACCURACY } from '../../../lib/al/coldstart';
import { autoPhase, getStrategy, listStrategies, selectBatch, STRATEGY_NAMES, type StrategyInput } from '../../../lib/al/strategies';
import type { Probs } from '../../../lib/al/types';
import { spacedTopK } from '../../../lib/al/hybrid';
import { margin } from '../../../lib/al/uncertainty';
import { clustered, distinct, embOf, probsOf, randomProbs, randomSamples, randomEmb } from './fixtures';

const N = 240;
const K = 3;
const idx = (s: { indices: Int32Array }) => Array.from(s.indices);

/** A pool where every input is present: 240 items, 3 classes, 6-d embeddings, 5 passes, 40 labeled, 10 held. */
function fullInput(seed: number): StrategyInput {
  const samples = randomSamples(N, K, 5, 2);
  return {
    probs: randomProbs(N, K, 1),
    samples,
    embeddings: randomEmb(N, 6, 3),
    labeledIdx: Int32Array.from({ length: 40 }, (_, i) => i * 6),
    heldIdx: Int32Array.from({ length: 10 }, (_, i) => i * 6 + 1),
    batch: 12,
    seed,
    classesSeen: K,
  };
}

describe.each(STRATEGY_NAMES.map((name) => [name]))('strategy %s', (name) => {
  it('returns batch distinct items, never a labeled or held one, the same for the same seed', () => {
    const input = fullInput(7);
    const s = selectBatch(name, input);
    expect(s.indices.length).toBe(12);
    expect(s.scores.length).toBe(12);
    expect(distinct(s.indices)).toBe(true);
    const taken = new Set([...input.labeledIdx!, ...input.heldIdx!]);
    for (const i of s.indices) {
      expect(taken.has(i)).toBe(false);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(i).toBeLessThan(N);
    }
    expect(idx(selectBatch(name, fullInput(7)))).toEqual(idx(s));
  });

  it('picks only among the candidates and returns all of them when fewer remain than the batch', () => {
    // 0 and 6 are labeled, 1 is held: 3 candidates are left.
    const s = selectBatch(name, { ...fullInput(1), candidates: Int32Array.of(0, 1, 2, 3, 6, 200) });
    expect(idx(s).sort((a, b) => a - b)).toEqual([2, 3, 200]);
  });

  it('returns an empty selection for batch 0', () => {
    expect(selectBatch(name, { ...fullInput(1), batch: 0 }).indices.length).toBe(0);
  });
});

describe('seeded strategies', () => {
  it.each(['random', 'badge', 'auto'])('%s changes with the seed', (name) => {
    const input = name === 'auto' ? { ...fullInput(1), probs: undefined } : fullInput(1);
    expect(idx(selectBatch(name, input))).not.toEqual(idx(selectBatch(name, { ...input, seed: 2 })));
  });
});

describe('uncertainty strategies', () => {
  const probs: Probs = { n: 4, k: 3, data: Float32Array.from([0.9, 0.05, 0.05, 0.4, 0.35, 0.25, 0.5, 0.5, 0, 0.34, 0.33, 0.33]) };

  it('rank by their score: margin prefers the tie, entropy the flat row', () => {
    expect(idx(selectBatch('margin', { probs, batch: 2, seed: 1 }))).toEqual([2, 3]);
    expect(idx(selectBatch('entropy', { probs, batch: 1, seed: 1 }))).toEqual([3]);
    expect(idx(selectBatch('least-confidence', { probs, batch: 1, seed: 1 }))).toEqual([3]);
  });

  it('vote-entropy takes a committee or falls back to the passes\' argmax votes', () => {
    const committee = { n: 3, k: 2, m: 4, data: Int32Array.from([0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1]) };
    // Votes per item: [0,0,0,0], [1,1,0,1], [0,0,1,1] → entropies 0, 0.562, ln 2.
    expect(idx(selectBatch('vote-entropy', { committee, batch: 3, seed: 1 }))).toEqual([2, 1, 0]);
    expect(selectBatch('vote-entropy', { samples: randomSamples(N, K, 4, 1), batch: 3, seed: 1 }).indices.length).toBe(3);
  });
});

describe('inputs a strategy needs', () => {
  it.each([
    ['margin', { embeddings: randomEmb(N, 4, 1) }, /'margin' needs probs/],
    ['bald', { probs: randomProbs(N, K, 1) }, /'bald' needs samples/],
    ['vote-entropy', { probs: randomProbs(N, K, 1) }, /needs committee .* or samples/],
    ['kcenter', { probs: randomProbs(N, K, 1) }, /'kcenter' needs embeddings/],
    ['badge', { probs: randomProbs(N, K, 1) }, /'badge' needs embeddings/],
    ['margin-kcenter', { embeddings: randomEmb(N, 4, 1) }, /'margin-kcenter' needs probs/],
    ['auto', { probs: randomProbs(N, K, 1), classesSeen: K }, /'auto' needs embeddings/],
  ] as const)('%s says what is missing', (name, partial, message) => {
    expect(() => selectBatch(name, { ...partial, batch: 5, seed: 1 })).toThrow(message);
  });

  it('auto refuses probs without classesSeen instead of staying in cold start', () => {
    const { classesSeen: _c, ...input } = fullInput(1);
    expect(() => selectBatch('auto', input)).toThrow(/classesSeen/);
  });

  it('random needs only the pool size', () => {
    expect(selectBatch('random', { n: 50, batch: 5, seed: 1 }).indices.length).toBe(5);
    expect(() => selectBatch('random', { batch: 5, seed: 1 })).toThrow(/pool size/);
  });

  it('refuses tensors of different pool sizes, malformed shapes and indices outside the pool', () => {
    expect(() => selectBatch('margin-kcenter', { probs: randomProbs(10, K, 1), embeddings: randomEmb(11, 4, 1), batch: 2, seed: 1 })).toThrow(/10 items but embeddings has 11/);
    expect(() => selectBatch('margin', { probs: { n: 10, k: 3, data: new Float32Array(29) }, batch: 2, seed: 1 })).toThrow(/n × k/);
    expect(() => selectBatch('margin', { probs: randomProbs(10, K, 1), labeledIdx: Int32Array.of(10), batch: 2, seed: 1 })).toThrow(/outside the pool/);
    expect(() => selectBatch('margin', { probs: randomProbs(10, K, 1), batch: -1, seed: 1 })).toThrow(/batch/);
  });

  it('errors are bad_request TandemErrors', () => {
    try {
      selectBatch('margin', { batch: 1, seed: 1, n: 3 });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ name: 'TandemError', code: 'bad_request' });
    }
  });

  it('an unknown name lists the known ones', () => {
    expect(() => getStrategy('uncertainty')).toThrow(/unknown strategy 'uncertainty': use one of random, least-confidence/);
  });
});

describe('listStrategies', () => {
  it('names every strategy once with a one-line description and what it needs', () => {
    const list = listStrategies();
    expect(list.map((s) => s.name)).toEqual([...STRATEGY_NAMES]);
    for (const s of list) {
      expect(s.description.length).toBeGreaterThan(10);
      expect(s.description).not.toContain('\n');
    }
    expect(list.find((s) => s.name === 'badge')?.needs).toEqual([['probs'], ['embeddings']]);
  });
});

describe('auto', () => {
  // Three well-separated classes; the model is confident except on a few items per class.
  const { emb, cluster } = clustered([[0, 0, 0, 0], [30, 0, 0, 0], [0, 30, 0, 0]], 40, 2, 5);
  const n = emb.n;
  const probs: Probs = { n, k: 3, data: new Float32Array(n * 3) };
  for (let i = 0; i < n; i++) {
    const unsure = i % 10 === 3;
    for (let c = 0; c < 3; c++) probs.data[i * 3 + c] = c === cluster[i] ? (unsure ? 0.5 : 0.9) : unsure ? 0.25 : 0.05;
  }
  const labeled = (count: number) => Int32Array.from({ length: count }, (_, j) => (j % 3) * 40 + Math.floor(j / 3) * 2);
  // A shortlist of 4 × batch = 12 is exactly the unsure items.
  const base = { probs, embeddings: emb, batch: 3, seed: 4, classesSeen: 3, poolFactor: 4 };

  it('starts with typical items of uncovered clusters (TypiClust) without a model', () => {
    const input = { embeddings: emb, batch: 3, seed: 4 };
    expect(autoPhase(input)).toBe('cold-start');
    const s = selectBatch('auto', input);
    expect(idx(s)).toEqual(idx(typicalCluster(emb, { batch: 3, seed: 4 })));
    expect(new Set(Array.from(s.indices, (i) => cluster[i]))).toEqual(new Set([0, 1, 2]));
  });

  it('stays in cold start while a class has no label, however many labels there are', () => {
    expect(autoPhase({ ...base, labeledIdx: labeled(30), classesSeen: 2 })).toBe('cold-start');
  });

  it('switches to spaced margin when uncertainty becomes trusted', () => {
    const before = { ...base, labeledIdx: labeled(19) };
    const after = { ...base, labeledIdx: labeled(20), heldIdx: Int32Array.of(13) };
    expect(autoPhase(before)).toBe('cold-start');
    expect(autoPhase(after)).toBe('spaced-margin');
    const picked = selectBatch('auto', after);
    const taken = Int32Array.from([...after.labeledIdx, 13]);
    expect(idx(picked)).toEqual(idx(spacedTopK(margin(probs), emb, { batch: 3, factor: 4, candidates: eligible(taken), avoid: Int32Array.of(13) })));
    // Only unsure items (i % 10 = 3), never the held one.
    for (const i of picked.indices) {
      expect(i % 10).toBe(3);
      expect(i).not.toBe(13);
    }
    expect(idx(selectBatch('auto', before))).toEqual(idx(typicalCluster(emb, { batch: 3, seed: 4, candidates: eligible(before.labeledIdx), centres: before.labeledIdx })));
  });

  it('takes the smallest margins but not two copies of one item, where margin takes both and k-center goes for the outlier', () => {
    // Items 0 and 1 are the same picture, the most uncertain; 2 and 3 next; 4 is a far outlier, a little less unsure; 5–8 labeled.
    const emb1 = embOf([[0], [0], [10], [20], [500], [40], [41], [60], [61]]);
    const probs1 = probsOf([[0.505, 0.495], [0.505, 0.495], [0.55, 0.45], [0.6, 0.4], [0.62, 0.38], [0.99, 0.01], [0.01, 0.99], [0.99, 0.01], [0.01, 0.99]]);
    const input = { probs: probs1, embeddings: emb1, labeledIdx: Int32Array.of(5, 6, 7, 8), classesSeen: 2, minLabels: 0, batch: 2, seed: 1, poolFactor: 2 };
    expect(autoPhase(input)).toBe('spaced-margin');
    expect(idx(selectBatch('margin', input))).toEqual([0, 1]);
    expect(idx(selectBatch('auto', input))).toEqual([0, 2]);
    expect(idx(selectBatch('margin-kcenter', { ...input, poolFactor: 2.5 }))).toContain(4);
  });

  it('honours minLabels', () => {
    expect(autoPhase({ ...base, labeledIdx: labeled(20), minLabels: 30 })).toBe('cold-start');
  });

  it('with the model\'s accuracy on its labels measured, waits until it reaches TRUST_ACCURACY', () => {
    const counted = { ...base, labeledIdx: labeled(20) };
    expect(autoPhase({ ...counted, labeledAccuracy: TRUST_ACCURACY - 0.01 })).toBe('cold-start');
    expect(autoPhase({ ...counted, labeledAccuracy: TRUST_ACCURACY })).toBe('spaced-margin');
    // Nothing could be tested: no evidence, no trust.
    expect(autoPhase({ ...counted, labeledAccuracy: null })).toBe('cold-start');
    // The counts come first: a perfect score on too few labels is not enough.
    expect(autoPhase({ ...base, labeledIdx: labeled(19), labeledAccuracy: 1 })).toBe('cold-start');
    expect(idx(selectBatch('auto', { ...counted, labeledAccuracy: 0.5 }))).toEqual(idx(typicalCluster(emb, { batch: 3, seed: 4, candidates: eligible(counted.labeledIdx), centres: counted.labeledIdx })));
  });

  it('does not go back to cold start once an earlier round trusted the model', () => {
    expect(autoPhase({ ...base, labeledIdx: labeled(20), labeledAccuracy: 0.2, trustedBefore: true })).toBe('spaced-margin');
  });

  function eligible(taken: Int32Array): Int32Array {
    const t = new Set(taken);
    return Int32Array.from({ length: n }, (_, i) => i).filter((i) => !t.has(i));
  }
});

describe('typical-cluster in steps (the batch dealt a step at a time)', () => {
  // Six blobs of 20 in 3-d, far apart.
  const six = clustered([[0, 0, 0], [30, 0, 0], [0, 30, 0], [0, 0, 30], [30, 30, 0], [0, 30, 30]], 20, 1, 11);
  const pick = (name: 'typical-cluster' | 'auto', extra: Partial<StrategyInput> = {}) =>
    Array.from(selectBatch(name, { embeddings: six.emb, batch: 6, seed: 5, ...extra }).indices);

  it('makes its first step the batch a round of that size picks', () => {
    const stepped = pick('typical-cluster', { step: 2 });
    expect(stepped.slice(0, 2)).toEqual(pick('typical-cluster', { batch: 2 }));
  });

  it('counts the earlier steps as labeled, so every step goes to blobs no earlier step covered', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const stepped = Array.from(selectBatch('typical-cluster', { embeddings: six.emb, batch: 6, step: 2, seed }).indices);
      expect(stepped).toHaveLength(6);
      expect(new Set(stepped.map((i) => six.cluster[i])).size).toBe(6);
    }
  });

  it('is what auto picks in its low-budget phase', () => {
    expect(pick('auto', { step: 2 })).toEqual(pick('typical-cluster', { step: 2 }));
  });

  it('is one round when the step is the whole batch or more', () => {
    expect(pick('typical-cluster', { step: 6 })).toEqual(pick('typical-cluster'));
    expect(pick('typical-cluster', { step: 50 })).toEqual(pick('typical-cluster'));
  });

  it('stops short, without repeats, when fewer items remain than the steps ask for', () => {
    const few = Array.from(selectBatch('typical-cluster', { embeddings: six.emb, batch: 6, step: 4, seed: 1, candidates: Int32Array.of(0, 1, 20, 40, 60) }).indices);
    expect(few.sort((a, b) => a - b)).toEqual([0, 1, 20, 40, 60]);
  });

  it('refuses a step that is not a positive whole number', () => {
    expect(() => pick('typical-cluster', { step: 0 })).toThrow(/step/);
    expect(() => pick('typical-cluster', { step: 1.5 })).toThrow(/step/);
  });
});
