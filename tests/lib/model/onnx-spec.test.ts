import { describe, expect, it } from 'vitest';
import {
  EmbeddingModelSpec, IMAGENET_MEAN, inputShape, modelNameFromFile, onnxModelName, planEmbeddingModel, type ModelSignature,
} from '../../../lib/model/onnx-spec';
import { buildEmbeddingFeatures, DIRECT_GRAPH_MAX_DIM } from '../../../lib/model/embedding';

const file = { name: 'My Net.v2.onnx', sha256: 'a'.repeat(64), bytes: 1234 };
const sig = (input: (number | string)[], output: (number | string)[] = ['N', 16], extra: Partial<ModelSignature> = {}): ModelSignature => ({
  inputs: [{ name: 'x', type: 'float32', shape: input }],
  outputs: [{ name: 'y', type: 'float32', shape: output }],
  ...extra,
});
const plan = (s: ModelSignature, o = {}) => planEmbeddingModel(s, file, o);
const refusal = (s: ModelSignature, o = {}) => {
  try {
    plan(s, o);
  } catch (e) {
    expect(e).toMatchObject({ code: 'bad_request' });
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('ONNX embedding model spec', () => {
  it('reads a fixed NCHW gray model as it is, with no normalisation and a default name from the file', () => {
    const p = plan(sig(['N', 1, 28, 28]));
    expect(p).toEqual({
      kind: 'embedding', name: 'my-net.v2', sha256: file.sha256, bytes: 1234,
      input: { name: 'x', layout: 'NCHW', size: 28, channels: 1, mean: [0], std: [1], batch: null },
      output: { name: 'y', dim: 16 },
    });
    expect(EmbeddingModelSpec.safeParse(p).success).toBe(true);
    expect(inputShape(p, 5)).toEqual([5, 1, 28, 28]);
  });

  it('recognises NHWC by where the channels are, and a fixed batch', () => {
    const p = plan(sig([1, 224, 224, 3], [1, 1280]));
    expect(p.input).toMatchObject({ layout: 'NHWC', size: 224, channels: 3, mean: IMAGENET_MEAN, batch: 1 });
    expect(inputShape(p, 1)).toEqual([1, 224, 224, 3]);
    expect(p.output.dim).toBe(1280);
  });

  it('fills a symbolic size and channels from the options, defaulting to 224 RGB', () => {
    expect(plan(sig(['N', 'C', 'H', 'W'])).input).toMatchObject({ size: 224, channels: 3, layout: 'NCHW' });
    expect(plan(sig(['N', 3, 'H', 'W']), { inputSize: 96, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }).input)
      .toMatchObject({ size: 96, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
  });

  it('multiplies the non-batch output dimensions, and leaves a symbolic width to the trial run', () => {
    expect(plan(sig(['N', 3, 32, 32], ['N', 512, 1, 1])).output.dim).toBe(512);
    expect(plan(sig(['N', 3, 32, 32], ['N', 'd'])).output.dim).toBeNull();
  });

  it('picks the named output when the model has several', () => {
    const s = sig(['N', 3, 32, 32], ['N', 10], { outputs: [{ name: 'logits', type: 'float32', shape: ['N', 10] }, { name: 'features', type: 'float32', shape: ['N', 64] }] });
    expect(plan(s).output).toEqual({ name: 'logits', dim: 10 });
    expect(plan(s, { output: 'features' }).output).toEqual({ name: 'features', dim: 64 });
    expect(refusal(s, { output: 'pooled' })).toMatch(/no output "pooled".*logits, features/);
  });

  it('refuses what Tandem cannot feed, saying what to change', () => {
    expect(refusal({ ...sig(['N', 1, 8, 8]), inputs: [{ name: 'a', type: 'float32', shape: ['N', 1, 8, 8] }, { name: 'b', type: 'float32', shape: ['N', 1, 8, 8] }] })).toMatch(/2 inputs \(a, b\)/);
    expect(refusal({ ...sig([]), inputs: [{ name: 'ids', type: 'int64', shape: ['N', 8] }] })).toMatch(/"ids" is int64; it must be float32/);
    expect(refusal(sig(['N', 8]))).toMatch(/shape \[N,8\].*\[N,C,H,W\]/);
    expect(refusal(sig(['N', 4, 32, 32]))).toMatch(/4 channels/);
    expect(refusal(sig(['N', 3, 32, 48]))).toMatch(/32×48.*square/);
    expect(refusal(sig(['N', 3, 32, 32]), { inputSize: 64 })).toMatch(/fixed at 32×32; --input-size 64/);
    expect(refusal(sig(['N', 3, 32, 32]), { channels: 1 })).toMatch(/takes 3 channels; --channels 1/);
    expect(refusal(sig(['N', 3, 32, 32]), { mean: [0.5] })).toMatch(/--mean and --std need 3 values/);
    expect(refusal(sig(['N', 3, 32, 32], ['N', 100_000]))).toMatch(/100000 values per image/);
    expect(refusal({ ...sig(['N', 3, 32, 32]), outputs: [] })).toMatch(/no outputs/);
  });

  it('checks a stored spec: one mean and std per channel, a hex SHA-256, a name Tandem can print', () => {
    const good = plan(sig(['N', 3, 32, 32]));
    expect(EmbeddingModelSpec.safeParse({ ...good, output: { name: 'y', dim: 16 } }).success).toBe(true);
    expect(EmbeddingModelSpec.safeParse({ ...good, output: { name: 'y', dim: 16 }, input: { ...good.input, mean: [0] } }).success).toBe(false);
    expect(EmbeddingModelSpec.safeParse({ ...good, output: { name: 'y', dim: 16 }, sha256: 'xyz' }).success).toBe(false);
    expect(EmbeddingModelSpec.safeParse({ ...good, output: { name: 'y', dim: 16 }, name: 'Has Spaces' }).success).toBe(false);
    expect(EmbeddingModelSpec.safeParse({ ...good, output: { name: 'y', dim: 16 }, input: { ...good.input, std: [1, 0, 1] } }).success).toBe(false);
  });

  it('names files and models for people', () => {
    expect(modelNameFromFile('/x/ResNet 50 (v1).onnx')).toBe('resnet-50-v1');
    expect(modelNameFromFile('__.onnx')).toBe('model');
    expect(onnxModelName({ name: 'tiny', output: { name: 'y', dim: 16 } })).toBe('onnx:tiny-knn7-label-spreading');
    expect(onnxModelName({ name: 'mobilenet', output: { name: 'y', dim: 1280 } })).toBe('onnx:mobilenet-pca50-knn7-label-spreading');
  });
});

describe('features of a learned embedding', () => {
  it('compares rows by direction: a row and its multiple are neighbours, a zero row stays zero', () => {
    const x = Float32Array.from([1, 0, 10, 0, 0, 1, 0, 3, 0, 0]);
    const f = buildEmbeddingFeatures({ n: 5, d: 2, data: x }, { neighbours: 1 });
    expect(Array.from(f.embeddings.data.slice(0, 4))).toEqual([1, 0, 1, 0]);
    expect(Array.from(f.embeddings.data.slice(8))).toEqual([0, 0]);
    const neighbours = (i: number) => Array.from(f.graph.cols.slice(f.graph.rowStart[i], f.graph.rowStart[i + 1]));
    expect(neighbours(0)).toContain(1);
    expect(neighbours(2)).toContain(3);
  });

  it('goes through PCA only when wider than the graph takes directly', () => {
    const n = 30;
    const wide = DIRECT_GRAPH_MAX_DIM + 6;
    const data = Float32Array.from({ length: n * wide }, (_, i) => Math.sin(i * 0.37) + (i % wide === 0 ? 2 : 0));
    expect(buildEmbeddingFeatures({ n, d: wide, data }).embeddings.d).toBeLessThanOrEqual(29);
    expect(buildEmbeddingFeatures({ n, d: 16, data: data.slice(0, n * 16) }).embeddings.d).toBe(16);
  });
});
