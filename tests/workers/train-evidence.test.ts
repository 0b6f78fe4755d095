import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { uncertaintyVerdict } from '../../lib/model/evidence';
import { HoldoutMetrics, type Job, type WorkerItem, type WorkerLabel } from '../../lib/protocol/worker';
import { createFeatureCache } from '../../workers/trainer/cache';
import type { WorkerClient } from '../../workers/trainer/client';
import { SPREADING_ONLY } from '../../workers/trainer/compute';
import { createTrainer, evidence } from '../../workers/trainer/train';
import { twoClassPng } from '../fixtures/images';
import { TMP_ROOT } from '../fixtures/paths';

/**
 * What a model version says about its own uncertainty (the model page's evidence): the
 * trainer measures it on the holdout and against its previous ranking, and sends it in the
 * version's metrics, in the worker protocol's shape.
 */
describe('trainer evidence per model version', () => {
  const n = 60;
  const items: WorkerItem[] = Array.from({ length: n }, (_, i) => ({
    id: i + 1, split: i % 6 === 5 ? 'holdout' : 'pool', status: i < 12 ? 'labeled' : 'open', mediaType: 'image/png', width: 20, height: 20, groupKey: String(i),
  }));
  const media = new Map(items.map((it, i) => [it.id, twoClassPng(i, i % 2 === 1)]));
  // Labels on the first 12 items plus the holdout ones (which measure, never train).
  const labels: WorkerLabel[] = items.filter((it, i) => i < 12 || it.split === 'holdout').map((it) => ({ itemId: it.id, label: (it.id - 1) % 2 ? 'b' : 'a' }));
  const job = (id: number): Job => ({ id, projectId: 1, taskType: 'classification', classes: ['a', 'b'], labelCount: 12, strategy: 'auto', leaseExpiresAt: new Date().toISOString(), attempt: 1 });
  const client = {
    embeddingsStatus: async () => null,
    allItems: async () => items,
    allLabels: async () => labels,
    mediaBatch: async (_p: number, ids: number[]) => new Map(ids.map((id) => [id, media.get(id)!])),
  } as unknown as WorkerClient;

  it('sends AUROC, a reliability diagram and churn against the previous version, kept across a restart', async () => {
    const dir = path.join(TMP_ROOT, 'train-evidence-cache');
    fs.rmSync(dir, { recursive: true, force: true });
    const cache = createFeatureCache(dir, 'http://test');
    const first = (await createTrainer(client, cache, undefined, SPREADING_ONLY).run(job(1), () => undefined)).report.metrics!;
    expect(HoldoutMetrics.safeParse(first).success).toBe(true);
    expect(first.reliability).toHaveLength(15);
    expect(first.reliability!.reduce((a, b) => a + b.count, 0)).toBe(first.holdoutSize);
    // No earlier ranking: nothing to compare with yet.
    expect(first.churn!.topOverlap).toBeNull();
    expect(first.churn!.labeledStillUncertain).toBeGreaterThanOrEqual(0);
    // A new trainer process (another createTrainer) finds the last ranking on disk: same labels, same ranking.
    const second = (await createTrainer(client, cache, undefined, SPREADING_ONLY).run(job(1), () => undefined)).report.metrics!;
    expect(HoldoutMetrics.safeParse(second).success).toBe(true);
    expect(second.churn!.topOverlap).toBe(1);
    expect(second.churn!.rankCorrelation).toBeCloseTo(1, 9);
    // 6 pool labels of 2 classes: under auto's 20-label floor, so the low-budget phase chose the batch.
    expect(second.autoPhase).toBe('cold-start');
  });

  it('flips the verdict when the scores say nothing about errors (shuffled scores)', () => {
    // Ten holdout items, two classes: rows 0–4 right and sure, rows 5–9 wrong and unsure.
    const rows = Int32Array.from({ length: 10 }, (_, i) => i);
    const probs = { n: 10, k: 2, data: Float32Array.from(Array.from(rows).flatMap((i) => (i < 5 ? [0.9, 0.1] : [0.55, 0.45]))) };
    const truth = Int32Array.from(rows, (i) => (i < 5 ? 0 : 1));
    const honest = Float32Array.from(rows, (i) => (i < 5 ? 0.2 : 0.9));
    const o = { labeledRows: [], candidates: new Int32Array(0), ranked: new Int32Array(0) };
    const real = evidence(probs, truth, rows, honest, o);
    expect(real.uncertaintyAuroc).toBe(1);
    expect(uncertaintyVerdict(real.uncertaintyAuroc).kind).toBe('informative');
    // The same scores dealt out regardless of right and wrong: wrong 2 high / 3 low, right 3 high / 2 low: (4 + 3 + 3) / 25.
    const shuffled = Float32Array.from(rows, (i) => (i % 2 === 0 ? 0.9 : 0.2));
    const noise = evidence(probs, truth, rows, shuffled, o);
    expect(noise.uncertaintyAuroc).toBeCloseTo(0.4, 9);
    expect(uncertaintyVerdict(noise.uncertaintyAuroc).kind).toBe('uninformative');
  });
});
