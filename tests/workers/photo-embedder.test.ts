import { describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { EmbeddingModelResponse } from '../../lib/protocol/worker';
import type { WorkerClient } from '../../workers/trainer/client';
import { createExtractors, PIXEL_EXTRACTOR } from '../../workers/trainer/extractor';
import { loadPhotoEmbedder, PHOTO_MODEL } from '../../workers/trainer/photo-embedder';

/** A w×h PNG painted by `f(x, y)` → [r, g, b]. */
function png(w: number, h: number, f: (x: number, y: number) => number[]): Buffer {
  const p = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) p.data.set([...f(x, y), 255], (y * w + x) * 4);
  return PNG.sync.write(p);
}

function jpg(w: number, h: number, f: (x: number, y: number) => number[]): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([...f(x, y), 255], (y * w + x) * 4);
  return Buffer.from(jpeg.encode({ data, width: w, height: h }, 90).data);
}

const RED = png(40, 30, (x, y) => [200, 40 + ((x * y) % 30), 30]);
const STRIPES = jpg(320, 240, (x) => (Math.floor(x / 16) % 2 ? [20, 60, 220] : [240, 240, 240]));

describe('the built-in photo embedder (MobileNetV2 from the nsfwjs package)', () => {
  it('loads offline and turns a PNG and a JPEG into finite 1,280-d features', async () => {
    const e = await loadPhotoEmbedder();
    expect(e.dim).toBe(PHOTO_MODEL.dim);
    expect(e.model).toMatch(/^mobilenet-v2 \(nsfwjs 4\.4\.0, flatten_1\)$/);
    expect(e.backend).toMatch(/wasm|tensorflow/);
    const out = await e.embed([RED, STRIPES]);
    expect(out.length).toBe(2 * 1280);
    expect(out.every(Number.isFinite)).toBe(true);
    const norm = (i: number) => Math.hypot(...out.subarray(i * 1280, (i + 1) * 1280));
    expect(norm(0)).toBeGreaterThan(0);
    expect(norm(1)).toBeGreaterThan(0);
    // Two different pictures, two different vectors.
    expect(out.subarray(0, 1280)).not.toEqual(out.subarray(1280));
  }, 300_000);

  it('is deterministic: the same image gives the same vector, alone or in another batch', async () => {
    const e = await loadPhotoEmbedder();
    const a = await e.embed([STRIPES, RED]);
    const b = await e.embed([RED]);
    expect(Array.from(b)).toEqual(Array.from(a.subarray(1280)));
  }, 300_000);

  it('rejects a broken image with its index, and embeds the next batch as before', async () => {
    const e = await loadPhotoEmbedder();
    await expect(e.embed([RED, Buffer.from('not an image')])).rejects.toThrow(/photo embedding: image 1 is not a PNG or JPEG that can be decoded/);
    await expect(e.embed([RED.subarray(0, 40)])).rejects.toThrow(/image 0 is not a PNG or JPEG/);
    expect((await e.embed([RED])).length).toBe(1280);
  }, 300_000);
});

describe('the extractor a project gets', () => {
  const clientSaying = (res: EmbeddingModelResponse) => ({ embeddingChoice: async () => res }) as unknown as WorkerClient;

  it('is raw pixels when the server names no built-in (an older server) or names pixels', async () => {
    expect(await createExtractors(clientSaying({ model: null })).forProject(1)).toBe(PIXEL_EXTRACTOR);
    const pixels = { model: null, builtin: { name: 'pixels' as const, chosen: 'auto' as const, reason: 'small gray images' } };
    expect(await createExtractors(clientSaying(pixels)).forProject(1)).toBe(PIXEL_EXTRACTOR);
  });

  it('is the photo CNN when the server names it, with its own cache key, space, model and backend', async () => {
    const res = { model: null, builtin: { name: 'mobilenet-v2' as const, chosen: 'project' as const, reason: 'the project chose builtin:mobilenet-v2' } };
    const logged: string[] = [];
    const ex = await createExtractors(clientSaying(res), (msg) => logged.push(msg)).forProject(1);
    expect(ex.key).toMatch(/^mobilenet-v2-4\.4\.0-[0-9a-f]{12}$/);
    expect(ex.key).not.toBe(PIXEL_EXTRACTOR.key);
    expect(ex.dim).toBe(1280);
    expect(ex.space(50)).toMatch(/^mobilenet-v2:4\.4\.0-[0-9a-f]{12}:pca50$/);
    expect(ex.model).toBe('mobilenet-v2@nsfwjs-4.4.0-pca50-knn7-label-spreading');
    expect(ex.backend).toMatch(/^tfjs .* (wasm|tensorflow)|tfjs-node-gpu/);
    expect(logged).toEqual(['photo embedding model loaded']);
    // Rows land where they are told.
    const out = new Float32Array(3 * 1280);
    await ex.encode([RED, STRIPES], out, [2, 0]);
    expect(out.subarray(1280, 2560).every((v) => v === 0)).toBe(true);
    const direct = await (await loadPhotoEmbedder()).embed([RED]);
    expect(Array.from(out.subarray(2560))).toEqual(Array.from(direct));
  }, 300_000);
});
