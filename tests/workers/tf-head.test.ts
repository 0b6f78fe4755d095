import { beforeAll, describe, expect, it } from 'vitest';
import type { Embeddings, Samples } from '../../lib/al';
import { buildFeatures, edgelessGraph, GRAPH_MAX_ITEMS, trainRound, type DenseHead } from '../../lib/model';
import { mulberry32 } from '../../lib/random';
import { claimBackends, loadCompute, versionBackend } from '../../workers/trainer/compute';
import { loadTf, type Tf } from '../../workers/trainer/tf';
import { createDenseHead, headName, trainDenseHead } from '../../workers/trainer/tf-head';

/** n points in d dimensions around k centres `gap` apart (class i % k), seeded. */
function blobs(n: number, d: number, k: number, gap: number, seed = 3): { x: Embeddings; truth: Int32Array } {
  const rand = mulberry32(seed);
  const data = new Float32Array(n * d);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    truth[i] = i % k;
    for (let f = 0; f < d; f++) data[i * d + f] = (f === truth[i] ? gap : 0) + rand() - 0.5;
  }
  return { x: { n, d, data }, truth };
}

function accuracy(p: { k: number; data: Float32Array }, truth: Int32Array): number {
  let right = 0;
  for (let i = 0; i < truth.length; i++) {
    let best = 0;
    for (let c = 1; c < p.k; c++) if (p.data[i * p.k + c] > p.data[i * p.k + best]) best = c;
    if (best === truth[i]) right++;
  }
  return right / truth.length;
}

/** Pass s of row i. */
const pass = (s: Samples, pass: number, row: number) => Array.from(s.data.subarray((pass * s.n + row) * s.k, (pass * s.n + row + 1) * s.k));

describe('the tfjs dense head with MC dropout', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = (await loadTf('wasm')).tf;
  });

  it('learns a separable problem from a few labels', () => {
    const { x, truth } = blobs(300, 4, 3, 3);
    const rows = Int32Array.from({ length: 15 }, (_, i) => i);
    const head = trainDenseHead(tf, x, rows, Int32Array.from(rows, (r) => truth[r]), 3, 1);
    const probs = head.predict(x);
    head.dispose();
    expect(probs).toMatchObject({ n: 300, k: 3 });
    expect(accuracy(probs, truth)).toBeGreaterThan(0.97);
    for (let i = 0; i < 300; i++) expect(probs.data[i * 3] + probs.data[i * 3 + 1] + probs.data[i * 3 + 2]).toBeCloseTo(1, 5);
  });

  it('gives passes that differ from one another, repeat exactly for a seed, and fill only the rows asked', () => {
    const { x, truth } = blobs(120, 4, 3, 0.8);
    const rows = Int32Array.from({ length: 12 }, (_, i) => i);
    const labels = Int32Array.from(rows, (r) => truth[r]);
    const candidates = Int32Array.from({ length: 100 }, (_, i) => i + 20);
    const head = trainDenseHead(tf, x, rows, labels, 3, 7);
    const a = head.mcDropout(x, candidates, 8, 5);
    const again = head.mcDropout(x, candidates, 8, 5);
    const other = head.mcDropout(x, candidates, 8, 6);
    head.dispose();
    expect(a).toMatchObject({ n: 120, k: 3, t: 8 });
    expect([...a.data]).toEqual([...again.data]);
    expect([...a.data]).not.toEqual([...other.data]);
    // Dropout stays on: the passes of one row disagree.
    const distinct = new Set(Array.from({ length: 8 }, (_, s) => pass(a, s, 50).map((v) => v.toFixed(5)).join()));
    expect(distinct.size).toBeGreaterThan(4);
    for (let s = 0; s < 8; s++) {
      const p = pass(a, s, 50);
      expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 5);
      expect(pass(a, s, 5)).toEqual([0, 0, 0]); // not a candidate
    }
  });

  it('trains the same head from the same seed', () => {
    const { x, truth } = blobs(90, 4, 3, 1);
    const rows = Int32Array.from({ length: 9 }, (_, i) => i);
    const labels = Int32Array.from(rows, (r) => truth[r]);
    const fit = (seed: number) => {
      const head = trainDenseHead(tf, x, rows, labels, 3, seed, { steps: 40 });
      const p = head.predict(x);
      head.dispose();
      return [...p.data];
    };
    expect(fit(11)).toEqual(fit(11));
    expect(fit(11)).not.toEqual(fit(12));
  });

  it('frees its tensors after a round', () => {
    const { x, truth } = blobs(60, 4, 3, 1);
    const head = createDenseHead(tf);
    const rows = Int32Array.from({ length: 6 }, (_, i) => i);
    const run = () => {
      const model = head({ embeddings: x, rows, labels: Int32Array.from(rows, (r) => truth[r]), k: 3, seed: 1 });
      const out = { name: model.name, probs: model.predict(), samples: model.passes(Int32Array.from({ length: 54 }, (_, i) => i + 6), 4, 1) };
      model.dispose();
      return out;
    };
    run();
    const before = tf.memory().numTensors;
    const out = run();
    expect(tf.memory().numTensors).toBe(before);
    expect(out.name).toBe(headName());
    expect(out.probs.n).toBe(60);
    expect(out.samples.t).toBe(4);
  });
});

describe('the trainer’s rounds with the head', () => {
  let head: DenseHead;
  beforeAll(async () => {
    const compute = await loadCompute('wasm');
    expect(compute.tfError).toBeUndefined();
    head = compute.head!;
  });

  it('names the real compute: label spreading and the tfjs head on wasm, never the cpu backend', async () => {
    const compute = await loadCompute('wasm');
    expect(compute.backend).toMatch(/^label spreading \(typed arrays\) \+ tfjs \d+\.\d+\.\d+ wasm \(cpu, simd\) MC-dropout head$/);
    // What its job claims name, best first: tfjs's backend, then onnxruntime-node (a dependency, so installed here).
    expect(compute.backends).toEqual(['tfjs-wasm', 'onnxruntime-node']);
    expect(claimBackends('tensorflow', true)).toEqual(['tfjs-node-gpu', 'onnxruntime-node']);
    expect(claimBackends(null, false)).toEqual([]);
    expect(versionBackend(compute, 'onnxruntime-node cpu')).toMatch(/^onnxruntime-node cpu embeddings; label spreading \+ tfjs .* wasm/);
    expect(versionBackend(compute, 'onnxruntime-node cpu').length).toBeLessThanOrEqual(100);
    // A photo CNN on the same tfjs: the runtime said once.
    expect(versionBackend(compute, compute.tf!)).toMatch(/^label spreading \+ tfjs \S+ wasm \(cpu, simd\) embeddings and MC-dropout head$/);
  });

  it('feeds BALD and vote entropy with MC-dropout passes over the candidates, the same for a seed', () => {
    const { x, truth } = blobs(150, 4, 3, 0.8);
    const labels = new Int32Array(150).fill(-1);
    for (let i = 0; i < 12; i++) labels[i] = truth[i];
    const features = buildFeatures(x, { components: 4, neighbours: 5 });
    const candidates = Int32Array.from({ length: 138 }, (_, i) => i + 12);
    for (const strategy of ['bald', 'vote-entropy'] as const) {
      const round = () => trainRound({ features, labels, k: 3, candidates, strategy, batch: 10, seed: 4, head, passes: 10 });
      const a = round();
      expect(a.samples).toEqual({ kind: 'mc-dropout', passes: 10, head: headName() });
      expect(a.model).toEqual({ kind: 'spreading' });
      expect(a.selection.indices.length).toBe(10);
      for (const i of a.selection.indices) expect(i).toBeGreaterThanOrEqual(12);
      expect([...round().selection.indices]).toEqual([...a.selection.indices]);
    }
  });

  it(`models a pool above ${GRAPH_MAX_ITEMS} items with the head alone, and scores all of it`, () => {
    const n = GRAPH_MAX_ITEMS + 10;
    const { x, truth } = blobs(n, 4, 3, 3);
    const labels = new Int32Array(n).fill(-1);
    for (let i = 0; i < 30; i++) labels[i] = truth[i];
    const candidates = Int32Array.from({ length: n - 30 }, (_, i) => i + 30);
    const round = trainRound({ features: { embeddings: x, graph: edgelessGraph(n) }, labels, k: 3, candidates, strategy: 'auto', batch: 20, seed: 1, head });
    expect(round.model).toEqual({ kind: 'dense', name: headName() });
    expect(round.probs.n).toBe(n);
    expect(accuracy(round.probs, truth)).toBeGreaterThan(0.97);
    expect(round.selection.indices.length).toBe(20);
  });
});
