import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import type { EmbeddingModelResponse, Job, WorkerItem, WorkerLabel } from '../../lib/protocol/worker';
import type { WorkerClient } from '../../workers/trainer/client';
import { createFeatureCache } from '../../workers/trainer/cache';
import { createExtractors } from '../../workers/trainer/extractor';
import { createTrainer } from '../../workers/trainer/train';
import { TMP_ROOT } from '../fixtures/paths';

/** A 64×64 colour PNG: warm horizontal stripes for class a, cool checks for class b, each with its own colours and phase. */
function photo(i: number, warm: boolean): Buffer {
  const png = new PNG({ width: 64, height: 64 });
  const shift = (i * 37) % 23;
  const c1 = warm ? [200 + (i % 50), 60 + (i % 40), 30] : [30, 80 + (i % 60), 180 + (i % 70)];
  const c2 = warm ? [120, 20, 10 + (i % 30)] : [200, 220, 240 - (i % 40)];
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const on = warm ? Math.floor((y + shift) / 6) % 2 === 0 : (Math.floor((x + shift) / 6) + Math.floor((y + shift) / 6)) % 2 === 0;
      png.data.set([...(on ? c1 : c2), 255], (y * 64 + x) * 4);
    }
  }
  return PNG.sync.write(png);
}

/**
 * The trainer's job on a project the server tells to use the built-in photo
 * CNN, against a stand-in for the server: the features come from MobileNetV2,
 * the report and the embedding space say so, and the cache keeps its rows
 * under their own name.
 */
describe('trainer with the built-in photo embedding', () => {
  const n = 30;
  const items: WorkerItem[] = Array.from({ length: n }, (_, i) => ({
    id: i + 1, split: i % 6 === 5 ? 'holdout' : 'pool', status: i < 10 ? 'labeled' : 'open', mediaType: 'image/png', width: 64, height: 64, groupKey: String(i),
  }));
  const media = new Map(items.map((it, i) => [it.id, photo(i, i % 2 === 0)]));
  const labels: WorkerLabel[] = items.slice(0, 10).map((it, i) => ({ itemId: it.id, label: i % 2 === 0 ? 'a' : 'b' }));
  const job: Job = { id: 1, projectId: 1, taskType: 'classification', classes: ['a', 'b'], labelCount: 10, strategy: 'auto', leaseExpiresAt: new Date().toISOString(), attempt: 1 };
  const choice: EmbeddingModelResponse = { model: null, builtin: { name: 'mobilenet-v2', chosen: 'auto', reason: 'colour images' } };
  const client = {
    embeddingsStatus: async () => null,
    allItems: async () => items,
    allLabels: async () => labels,
    mediaBatch: async (_p: number, ids: number[]) => new Map(ids.map((id) => [id, media.get(id)!])),
    embeddingChoice: async () => choice,
  } as unknown as WorkerClient;
  const cacheDir = path.join(TMP_ROOT, 'train-photo-cache');
  fs.rmSync(cacheDir, { recursive: true, force: true });
  afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it('embeds the pool with MobileNetV2, names it in the report, caches its rows apart, and separates the classes', async () => {
    const trainer = createTrainer(client, createFeatureCache(cacheDir, 'http://s'), createExtractors(client));
    const { entries, report } = await trainer.run(job, () => undefined);
    expect(report.model).toMatch(/^mobilenet-v2@nsfwjs-4\.4\.0-pca50-knn7-label-spreading/);
    expect(report.backend).toMatch(/wasm|tensorflow/);
    const files = fs.readdirSync(cacheDir).flatMap((d) => fs.readdirSync(path.join(cacheDir, d)));
    expect(files).toEqual(expect.arrayContaining([expect.stringMatching(/^rows-mobilenet-v2-4_4_0-[0-9a-f]{12}\.bin$/)]));
    expect(files).not.toContain('pixels.bin');
    const ranked = entries.flat();
    expect(ranked.length).toBeGreaterThan(0);
    const wrong = ranked.filter((e) => e.predicted !== ((e.itemId - 1) % 2 === 0 ? 'a' : 'b'));
    expect(wrong.length).toBeLessThanOrEqual(Math.floor(ranked.length * 0.2));
  }, 300_000);
});
