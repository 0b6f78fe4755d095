import { describe, expect, it } from 'vitest';
import type { Embeddings } from '../../../lib/al';
import { knnGraph } from '../../../lib/model';
import { fitHead, labeledAccuracy, selectHead, type HeadData } from '../../../lib/model/heads';
import { mulberry32 } from '../../../lib/random';

const N = 200;

function noise(n: number, d: number, seed: number): Embeddings {
  const r = mulberry32(seed);
  return { n, d, data: Float32Array.from({ length: n * d }, () => r() * 2 - 1) };
}

/** Two concentric rings (radius 1 and 3): the neighbour graph separates them, no line does. */
function rings(n: number, seed: number): { x: Embeddings; truth: Int32Array } {
  const r = mulberry32(seed);
  const data = new Float32Array(n * 2);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    truth[i] = i % 2;
    const a = r() * 2 * Math.PI;
    const rad = truth[i] === 0 ? 1 : 3;
    data[i * 2] = rad * Math.cos(a);
    data[i * 2 + 1] = rad * Math.sin(a);
  }
  return { x: { n, d: 2, data }, truth };
}

/** Every `every`-th node labeled with its true class. */
const labelsOf = (truth: Int32Array, every: number) => Int32Array.from(truth, (c, i) => (i % every === 0 || i % every === 1 ? c : -1));

describe('selectHead', () => {
  it('picks logistic-pixels when the graph is noise and the pixels are linearly separable', () => {
    const emb = noise(N, 3, 1);
    const truth = Int32Array.from({ length: N }, (_, i) => i % 2);
    const px = noise(N, 4, 2);
    truth.forEach((c, i) => { px.data[i * 4] = c === 0 ? -1 - Math.abs(px.data[i * 4]) : 1 + Math.abs(px.data[i * 4]); });
    const data: HeadData = { embeddings: emb, graph: knnGraph(emb, 7), pixels: px };
    const choice = selectHead(data, labelsOf(truth, 5), 2, { seed: 1 });
    expect(choice.reason).toBe('cv');
    expect(choice.head).toBe('logistic-pixels');
    expect(choice.scores.map((s) => s.head)).toEqual(['spreading', 'logistic-embedding', 'logistic-pixels']);
    expect(choice.scores[2].accuracy).toBe(1);
    expect(choice.scores[0].accuracy).toBeLessThan(0.8);
  });

  it('picks spreading when the classes are rings only the graph separates', () => {
    const { x, truth } = rings(N, 3);
    const data: HeadData = { embeddings: x, graph: knnGraph(x, 7), pixels: noise(N, 4, 4) };
    const choice = selectHead(data, labelsOf(truth, 5), 2, { seed: 1 });
    expect(choice.head).toBe('spreading');
    expect(choice.scores[0].accuracy).toBeGreaterThan(0.95);
    expect(choice.scores[1].accuracy).toBeLessThan(0.8);
  });

  it('keeps the default (spreading) when both are perfect: the one-standard-error rule favours the simplest', () => {
    const x: Embeddings = { n: N, d: 1, data: Float32Array.from({ length: N }, (_, i) => (i % 2 === 0 ? -5 : 5) + (i % 7) * 0.01) };
    const truth = Int32Array.from({ length: N }, (_, i) => i % 2);
    const choice = selectHead({ embeddings: x, graph: knnGraph(x, 7), pixels: x }, labelsOf(truth, 5), 2, { seed: 2 });
    expect(choice.head).toBe('spreading');
    expect(choice.scores.every((s) => s.accuracy === 1)).toBe(true);
  });

  it('falls back to spreading when a class has fewer labels than folds', () => {
    const { x, truth } = rings(N, 3);
    const labels = new Int32Array(N).fill(-1);
    for (let i = 0; i < 10; i += 2) labels[i] = truth[i];
    labels[1] = truth[1];
    const choice = selectHead({ embeddings: x, graph: knnGraph(x, 7) }, labels, 2, { seed: 1 });
    expect(choice).toEqual({ head: 'spreading', reason: 'too-few-labels', labelCount: 6, folds: 3, scores: [] });
  });

  it('reuses the last pick until the labeled set grows by 25%', () => {
    const { x, truth } = rings(N, 3);
    const data: HeadData = { embeddings: x, graph: knnGraph(x, 7) };
    const first = selectHead(data, labelsOf(truth, 5), 2, { seed: 1 });
    expect(first.labelCount).toBe(80);
    const more = Int32Array.from(truth, (c, i) => (i % 5 < 2 || i < 30 ? c : -1));
    const again = selectHead(data, more, 2, { seed: 1, previous: first });
    expect(again).toEqual({ ...first, reason: 'reused' });
    const grown = Int32Array.from(truth, (c, i) => (i % 5 < 3 ? c : -1));
    expect(selectHead(data, grown, 2, { seed: 1, previous: first }).labelCount).toBe(120);
  });

  it('is deterministic for a seed', () => {
    const emb = noise(N, 3, 5);
    const truth = Int32Array.from({ length: N }, (_, i) => i % 3);
    const data: HeadData = { embeddings: emb, graph: knnGraph(emb, 7), pixels: noise(N, 5, 6) };
    const a = selectHead(data, labelsOf(truth, 4), 3, { seed: 9 });
    expect(selectHead(data, labelsOf(truth, 4), 3, { seed: 9 })).toEqual(a);
  });

  it('fitHead gives every node a distribution', () => {
    const { x, truth } = rings(40, 1);
    const p = fitHead('logistic-embedding', { embeddings: x, graph: knnGraph(x, 5) }, labelsOf(truth, 4), 2);
    expect(p.n).toBe(40);
    for (let i = 0; i < 40; i++) expect(p.data[i * 2] + p.data[i * 2 + 1]).toBeCloseTo(1, 5);
  });
});

describe('labeledAccuracy', () => {
  const { x, truth } = rings(N, 3);
  const data: HeadData = { embeddings: x, graph: knnGraph(x, 7) };

  it('is high for a head that fits the data and low for one that cannot, from the same labels', () => {
    const labels = labelsOf(truth, 10);
    const spreading = labeledAccuracy(data, labels, 2, 'spreading', { seed: 1 })!;
    const linear = labeledAccuracy(data, labels, 2, 'logistic-embedding', { seed: 1 })!;
    expect(spreading.tested).toBe(labels.filter((c) => c >= 0).length);
    expect(spreading.accuracy).toBeGreaterThan(0.9);
    // No line separates two concentric rings: about chance.
    expect(linear.accuracy).toBeLessThan(0.7);
  });

  it('works from two labels a class, testing each once on a fit that holds the other', () => {
    // Nodes 0, 2 on the inner ring, 1, 3 on the outer: with three folds each pair is split, so every node is tested.
    const labels = Int32Array.from(truth, (c, i) => (i < 4 ? c : -1));
    const r = labeledAccuracy(data, labels, 2, 'spreading', { seed: 2 })!;
    expect(r.tested).toBe(4);
    expect(r.accuracy).toBe(1);
  });

  it('never tests a class with one label (nothing would be left to learn it from), and is null when nothing is testable', () => {
    const one = Int32Array.from(truth, (c, i) => (i < 2 ? c : -1));
    expect(labeledAccuracy(data, one, 2, 'spreading', { seed: 1 })).toBeNull();
    // Class 0 has three labels, class 1 one: only class 0's are tested.
    const some = Int32Array.from(truth, (c, i) => (i === 0 || i === 2 || i === 4 || i === 1 ? c : -1));
    expect(labeledAccuracy(data, some, 2, 'spreading', { seed: 1 })!.tested).toBe(3);
  });

  it('scores a wrong labeling low: the labels disagree with the structure', () => {
    const labels = labelsOf(truth, 10);
    const shuffled = Int32Array.from(labels, (c, i) => (c < 0 ? c : (i >> 1) % 2));
    expect(labeledAccuracy(data, shuffled, 2, 'spreading', { seed: 1 })!.accuracy).toBeLessThan(0.7);
  });

  it('is deterministic for a seed', () => {
    const labels = labelsOf(truth, 7);
    expect(labeledAccuracy(data, labels, 2, 'spreading', { seed: 5 })).toEqual(labeledAccuracy(data, labels, 2, 'spreading', { seed: 5 }));
  });
});
