import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import crypto from 'node:crypto';
import { PNG } from 'pngjs';
import { createOnnxEmbedder, inspectOnnxModel, ONNX_BATCH, type OnnxEmbedder } from '../../workers/trainer/onnx-embedder';
import { resizeRgb } from '../../workers/trainer/pixels';
import { embedderModel, twoInputModel } from '../fixtures/onnx';
import { TINY_EMBEDDER } from '../fixtures/make-onnx';
import { pngBytes } from '../fixtures/images';

const sha = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

/** A w×h RGB PNG: red left half, blue right half. */
function halves(w: number, h: number): Buffer {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) png.data.set(x < w / 2 ? [255, 0, 0, 255] : [0, 0, 255, 255], (y * w + x) * 4);
  return PNG.sync.write(png);
}

describe('ONNX embedder (onnxruntime-node, CPU)', () => {
  const bytes = fs.readFileSync(TINY_EMBEDDER);
  const open: OnnxEmbedder[] = [];
  afterAll(async () => { for (const e of open) await e.close(); });
  const load = async (model: Uint8Array, name: string) => {
    const spec = await inspectOnnxModel(model, { name: `${name}.onnx`, sha256: sha(model) });
    const e = await createOnnxEmbedder(model, spec);
    open.push(e);
    return e;
  };

  it('the committed fixture is what tests/fixtures/make-onnx.ts writes', () => {
    expect(Buffer.from(embedderModel()).equals(bytes)).toBe(true);
    expect(bytes.length).toBeLessThan(8 * 1024);
  });

  it('reads the fixture\'s signature and confirms its output width by a trial run', async () => {
    const spec = await inspectOnnxModel(bytes, { name: 'tiny-embedder.onnx', sha256: sha(bytes) });
    expect(spec).toMatchObject({
      kind: 'embedding', name: 'tiny-embedder', bytes: bytes.length,
      input: { name: 'pixels', layout: 'NCHW', size: 28, channels: 1, batch: null }, output: { name: 'embedding', dim: 16 },
    });
  });

  it('embeds images into n × 16 rows, the same on every run and in every batch split', async () => {
    const e = await load(bytes, 'tiny-embedder');
    expect(e.provider).toBe('cpu');
    const images = Array.from({ length: ONNX_BATCH + 6 }, (_, i) => pngBytes(i + 1, 28 + (i % 3) * 10, 28));
    const a = await e.embed(images);
    expect(a.length).toBe(images.length * 16);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(a.some((v) => v > 0)).toBe(true);
    const [b, again] = await Promise.all([e.embed(images), (await load(bytes, 'tiny-embedder')).embed(images)]);
    expect(b).toEqual(a);
    expect(again).toEqual(a);
    // One at a time gives the rows a batch of 70 gave.
    const last = await e.embed([images[images.length - 1]]);
    expect(Array.from(last)).toEqual(Array.from(a.subarray((images.length - 1) * 16)));
    // Different images, different rows.
    expect(Array.from(a.subarray(0, 16))).not.toEqual(Array.from(a.subarray(16, 32)));
  });

  it('feeds an RGB NHWC model fixed to batch 1, padding nothing and keeping channel order', async () => {
    const model = embedderModel({ layout: 'NHWC', channels: 3, size: 32, pool: 8, dim: 8, batch: 1, seed: 3 });
    const e = await load(model, 'rgb');
    expect(e.spec.input).toMatchObject({ layout: 'NHWC', channels: 3, size: 32, batch: 1 });
    const out = await e.embed([halves(64, 48), halves(64, 48), pngBytes(9, 20, 20)]);
    expect(out.length).toBe(3 * 8);
    expect(Array.from(out.subarray(0, 8))).toEqual(Array.from(out.subarray(8, 16)));
  });

  it('resizes to RGB by box averages when shrinking', () => {
    const out = new Float32Array(2 * 2 * 3);
    resizeRgb(halves(8, 8), 2, out, 0);
    expect(Array.from(out)).toEqual([1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1]);
  });

  it('refuses a file onnxruntime cannot load, or a model it cannot feed, with one line', async () => {
    const junk = crypto.randomBytes(200);
    await expect(inspectOnnxModel(junk, { name: 'junk.onnx', sha256: sha(junk) })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/^junk\.onnx is not an ONNX model onnxruntime can load: [^\n]+$/) });
    const truncated = bytes.subarray(0, bytes.length - 100);
    await expect(inspectOnnxModel(truncated, { name: 'cut.onnx', sha256: sha(truncated) })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(inspectOnnxModel(twoInputModel(), { name: 'two.onnx', sha256: 'b'.repeat(64) })).rejects.toMatchObject({ message: expect.stringMatching(/2 inputs/) });
    // A symbolic side given a size the pooling does not fit: it loads but does not run.
    const open = embedderModel({ symbolicSize: true });
    await expect(inspectOnnxModel(open, { name: 'open.onnx', sha256: sha(open) }, { inputSize: 20 }))
      .rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/does not run on a 2×1×20×20 input/) });
    expect((await inspectOnnxModel(open, { name: 'open.onnx', sha256: sha(open) }, { inputSize: 28 })).input.size).toBe(28);
  });
});
