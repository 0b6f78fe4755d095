import { describe, expect, it } from 'vitest';
import { RankingChunk, type Job, type WorkerItem, type WorkerLabel } from '../../lib/protocol/worker';
import type { WorkerClient } from '../../workers/trainer/client';
import { loadCompute, SPREADING_ONLY } from '../../workers/trainer/compute';
import { createTrainer, modelName } from '../../workers/trainer/train';
import { twoClassPng } from '../fixtures/images';

const image = twoClassPng;

/**
 * A trainer job whose strategy needs a committee (BALD, vote entropy),
 * against a stand-in for the server: the committee is the tfjs head's
 * MC-dropout passes, and the model version says so; a trainer whose tfjs did
 * not start fails such a job saying why, and still ranks with the others.
 */
describe('trainer jobs for BALD and vote entropy', () => {
  const n = 60;
  const items: WorkerItem[] = Array.from({ length: n }, (_, i) => ({
    id: i + 1, split: i % 6 === 5 ? 'holdout' : 'pool', status: i < 12 ? 'labeled' : 'open', mediaType: 'image/png', width: 20, height: 20, groupKey: String(i),
  }));
  const media = new Map(items.map((it, i) => [it.id, image(i, i % 2 === 1)]));
  const labels: WorkerLabel[] = items.slice(0, 12).map((it, i) => ({ itemId: it.id, label: i % 2 ? 'b' : 'a' }));
  const job = (strategy: string): Job => ({ id: 3, projectId: 1, taskType: 'classification', classes: ['a', 'b'], labelCount: 12, strategy, leaseExpiresAt: new Date().toISOString(), attempt: 1 });
  const client = {
    embeddingsStatus: async () => null,
    allItems: async () => items,
    allLabels: async () => labels,
    mediaBatch: async (_p: number, ids: number[]) => new Map(ids.map((id) => [id, media.get(id)!])),
  } as unknown as WorkerClient;

  it('ranks with the MC-dropout passes of the tfjs head and names them in the model version', async () => {
    const compute = await loadCompute('wasm');
    const trainer = createTrainer(client, undefined, undefined, compute);
    for (const strategy of ['bald', 'vote-entropy']) {
      const { entries, report } = await trainer.run(job(strategy), () => undefined);
      expect(report.model).toBe('pca50-knn7-label-spreading + tfjs-mlp64-dropout0.5 MC-dropout ×20');
      expect(report.backend).toMatch(/^label spreading \(typed arrays\) \+ tfjs .* wasm \(cpu, simd\) MC-dropout head$/);
      expect(entries.flat().length).toBe(n - 12 - 8); // the open pool: not labeled, not holdout
    }
    // A strategy without samples: the model is the spread alone.
    expect((await trainer.run(job('margin'), () => undefined)).report.model).toBe('pca50-knn7-label-spreading');
  });

  it('fails a BALD job on a trainer without tfjs, saying why, and ranks margin on label spreading', async () => {
    const trainer = createTrainer(client, undefined, undefined, { ...SPREADING_ONLY, tfError: 'wasm backend missing (test)' });
    await expect(trainer.run(job('bald'), () => undefined))
      .rejects.toThrow(/strategy 'bald' needs MC-dropout passes of the trainer's dense head, and no head was given: tfjs did not start on this trainer \(wasm backend missing \(test\)\)/);
    const { report } = await trainer.run(job('margin'), () => undefined);
    expect(report.model).toBe('pca50-knn7-label-spreading');
    expect(report.backend).toMatch(/^label spreading \(typed arrays\); no tfjs head/);
  });

  it('sends every entry\'s uncertainty, 1 − the margin of the top two classes, the measure the pool mean reports', async () => {
    const trainer = createTrainer(client, undefined, undefined, SPREADING_ONLY);
    const { entries, report } = await trainer.run(job('margin'), () => undefined);
    const flat = entries.flat();
    expect(flat.length).toBe(n - 12 - 8);
    for (const [index, chunk] of entries.entries()) expect(RankingChunk.safeParse({ index, total: entries.length, entries: chunk }).success).toBe(true);
    for (const e of flat) {
      expect(e.uncertainty).toBeGreaterThanOrEqual(0);
      expect(e.uncertainty).toBeLessThanOrEqual(1);
      // Two classes: the margin is p₁ − (1 − p₁), so the uncertainty is 2 · (1 − confidence).
      expect(e.uncertainty).toBeCloseTo(2 * (1 - e.confidence!), 5);
    }
    const mean = flat.reduce((a, e) => a + e.uncertainty!, 0) / flat.length;
    expect(report.metrics!.meanUncertainty).toBeCloseTo(mean, 5);
  });

  it('names the head that ran: the dense head in place of the graph on a pool too big for one, and the passes when used', () => {
    const dense = { kind: 'dense' as const, name: 'tfjs-mlp64-dropout0.5' };
    expect(modelName('pca50-knn7-label-spreading', { model: dense })).toBe('pca50-tfjs-mlp64-dropout0.5');
    expect(modelName('mobilenet-v2@nsfwjs-4.4.0-pca50-knn7-label-spreading', { model: dense, samples: { kind: 'mc-dropout', passes: 5, head: dense.name } }))
      .toBe('mobilenet-v2@nsfwjs-4.4.0-pca50-tfjs-mlp64-dropout0.5 MC-dropout ×5');
    expect(modelName('pca50-knn7-label-spreading', { model: { kind: 'spreading' }, samples: { kind: 'bootstrap', members: 5 } }))
      .toBe('pca50-knn7-label-spreading + bootstrap committee ×5');
  });
});
