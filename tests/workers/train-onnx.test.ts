import { afterAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EmbeddingModelInfo, Job, WorkerItem, WorkerLabel } from '../../lib/protocol/worker';
import type { WorkerClient } from '../../workers/trainer/client';
import { createFeatureCache } from '../../workers/trainer/cache';
import { createExtractors } from '../../workers/trainer/extractor';
import { inspectOnnxModel } from '../../workers/trainer/onnx-embedder';
import { createTrainer } from '../../workers/trainer/train';
import { TINY_EMBEDDER } from '../fixtures/make-onnx';
import { TMP_ROOT } from '../fixtures/paths';
import { twoClassPng } from '../fixtures/images';

const image = twoClassPng;

/**
 * The trainer's job with a project that embeds with a user's ONNX model,
 * against a stand-in for the server (the worker protocol's answers as the
 * client returns them): the features come from the model, the report says so,
 * and the caches keep ONNX rows apart from pixel rows.
 */
describe('trainer with an ONNX embedding model', async () => {
  const bytes = fs.readFileSync(TINY_EMBEDDER);
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const spec = await inspectOnnxModel(bytes, { name: 'tiny-embedder.onnx', sha256 });
  const info: EmbeddingModelInfo = { ...spec, id: 1, file: '/api/worker/v1/projects/1/embedding-model/file' };
  const n = 60;
  const items: WorkerItem[] = Array.from({ length: n }, (_, i) => ({
    id: i + 1, split: i % 6 === 5 ? 'holdout' : 'pool', status: i < 12 ? 'labeled' : 'open', mediaType: 'image/png', width: 20, height: 20, groupKey: String(i),
  }));
  const media = new Map(items.map((it, i) => [it.id, image(i, i % 2 === 1)]));
  const labels: WorkerLabel[] = items.slice(0, 12).map((it, i) => ({ itemId: it.id, label: i % 2 ? 'b' : 'a' }));
  const job: Job = { id: 1, projectId: 1, taskType: 'classification', classes: ['a', 'b'], labelCount: 12, strategy: 'auto', leaseExpiresAt: new Date().toISOString(), attempt: 1 };
  let model: EmbeddingModelInfo | null = info;
  const calls = { file: 0, media: 0 };
  // The server's embedding store as the protocol shows it: items per space, and the requests.
  const spaces = new Map<string, Map<number, number[]>>();
  const shared = { asked: 0, chunks: 0 };
  const client = {
    embeddingsStatus: async (_p: number, space: string) => {
      shared.asked++;
      const rows = spaces.get(space);
      return { space, count: rows?.size ?? 0, dim: rows ? [...rows.values()][0].length : null };
    },
    uploadEmbeddings: async (_p: number, chunk: { space: string; dim: number; items: { itemId: number; vector: string }[] }) => {
      shared.chunks++;
      const rows = spaces.get(chunk.space) ?? new Map<number, number[]>();
      for (const it of chunk.items) rows.set(it.itemId, Array.from(new Float32Array(new Uint8Array(Buffer.from(it.vector, 'base64')).buffer)));
      spaces.set(chunk.space, rows);
      return { stored: chunk.items.length, count: rows.size };
    },
    allItems: async () => items,
    allLabels: async () => labels,
    mediaBatch: async (_p: number, ids: number[]) => { calls.media += ids.length; return new Map(ids.map((id) => [id, media.get(id)!])); },
    embeddingModel: async () => model,
    embeddingChoice: async () => ({ model }),
    embeddingModelFile: async () => { calls.file++; return bytes; },
  } as unknown as WorkerClient;
  const cacheDir = path.join(TMP_ROOT, 'train-onnx-cache');
  fs.rmSync(cacheDir, { recursive: true, force: true });
  const logged: Record<string, unknown>[] = [];
  const extractors = createExtractors(client, (msg, fields) => logged.push({ msg, ...fields }));
  afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it('embeds the pool with the model, says so in the report, and separates the classes', async () => {
    const trainer = createTrainer(client, createFeatureCache(cacheDir, 'http://s'), extractors);
    const { entries, report } = await trainer.run(job, () => undefined);
    expect(report.model).toBe('onnx:tiny-embedder-knn7-label-spreading');
    expect(report.backend).toMatch(/^onnxruntime-node cpu embeddings; label spreading/);
    expect(logged).toEqual([expect.objectContaining({ msg: 'embedding model loaded', model: 'tiny-embedder', provider: 'cpu', dim: 16 })]);
    expect(calls).toEqual({ file: 1, media: n });
    const ranked = entries.flat();
    expect(ranked.length).toBeGreaterThan(0);
    // Bright and dark images are far apart in the model's embedding: its guesses follow the brightness.
    const wrong = ranked.filter((e) => e.predicted !== ((e.itemId - 1) % 2 ? 'b' : 'a'));
    expect(wrong.length).toBeLessThanOrEqual(Math.floor(ranked.length * 0.1));
    const files = fs.readdirSync(cacheDir).flatMap((d) => fs.readdirSync(path.join(cacheDir, d)));
    expect(files).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^rows-onnx-${sha256.slice(0, 16)}-[0-9a-f]{8}\\.bin$`))]));
    expect(files).not.toContain('pixels.bin');
    // The features went to the server once, under a space naming the model: 16-d unit vectors as they are.
    expect(report.embeddingSpace).toMatch(new RegExp(`^onnx:${sha256.slice(0, 16)}\\.[0-9a-f]{8}:unit16:[0-9a-f]{16}$`));
    expect(shared).toEqual({ asked: 1, chunks: 1 });
    const stored = spaces.get(report.embeddingSpace!)!;
    expect(stored.size).toBe(n);
    expect([...stored.values()].every((v) => v.length === 16 && Math.abs(Math.hypot(...v) - 1) < 1e-4)).toBe(true);
    // A warm job does not ask again.
    await trainer.run(job, () => undefined);
    expect(shared).toEqual({ asked: 1, chunks: 1 });
  });

  it('a restarted trainer reads the model\'s rows and features from disk; the same model is loaded once', async () => {
    const trainer = createTrainer(client, createFeatureCache(cacheDir, 'http://s'), extractors);
    const before = { ...calls };
    const { report } = await trainer.run(job, () => undefined);
    expect(calls).toEqual(before);
    expect(report.phases['features from cache']).toBeDefined();
    expect(report.model).toMatch(/^onnx:/);
    // The same features from disk: the same space, which the server has, so it asks once and sends nothing.
    expect(spaces.has(report.embeddingSpace!)).toBe(true);
    expect(shared).toEqual({ asked: 2, chunks: 1 });
  });

  it('goes back to pixels when the project drops the model, never reusing the model\'s rows', async () => {
    model = null;
    const trainer = createTrainer(client, createFeatureCache(cacheDir, 'http://s'), extractors);
    const before = calls.media;
    const { report } = await trainer.run(job, () => undefined);
    expect(report.model).toBe('pca50-knn7-label-spreading');
    expect(report.backend).toMatch(/^label spreading/); // the trainer's own compute, no embedding model's
    expect(calls.media - before).toBe(n);
    expect(report.phases['features from cache']).toBeUndefined();
    // Pixels through PCA are another space, uploaded beside the model's.
    expect(report.embeddingSpace).toMatch(/^pca\d+:[0-9a-f]{16}$/);
    expect(spaces.get(report.embeddingSpace!)!.size).toBe(n);
    model = info;
  });
});
