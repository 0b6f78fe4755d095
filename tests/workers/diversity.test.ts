import { describe, expect, it } from 'vitest';
import type { WorkerItem, WorkerLabel } from '../../lib/protocol/worker';
import { RankingChunk } from '../../lib/protocol/worker';
import { diversityChunks, diversityRound } from '../../workers/trainer/diversity';

const item = (id: number, split: 'pool' | 'holdout', status: 'open' | 'labeled'): WorkerItem => ({
  id, split, status, mediaType: 'image/png', width: 8, height: 8, groupKey: String(id),
});

describe('the trainer\'s diversity round (no model)', () => {
  // Rows on a line: 0 1 2 | 10 11 | 20; item ids are row + 100.
  const xs = [0, 1, 2, 10, 11, 20];
  const emb = { n: xs.length, d: 1, data: Float32Array.from(xs) };
  const items = [item(100, 'pool', 'labeled'), item(101, 'pool', 'open'), item(102, 'holdout', 'open'), item(103, 'pool', 'open'), item(104, 'holdout', 'labeled'), item(105, 'pool', 'open')];
  const index = new Map(items.map((it, row) => [it.id, row]));
  // Keypoint answers: no class label at all.
  const labels: WorkerLabel[] = [
    { itemId: 100, label: null, answer: { task: 'keypoints', instances: [] } },
    { itemId: 104, label: null, answer: { task: 'keypoints', instances: [] } },
  ];

  it('ranks the open pool only, from the labeled pool items as what is covered', () => {
    const r = diversityRound(items, labels, index, emb, 1);
    // Holdout rows 2 and 4 and labeled row 0 are left out; from row 0 the farthest first: 5 (20), then 3 (10), then 1.
    expect([...r.order]).toEqual([5, 3, 1]);
  });

  it('uploads item and score only, in chunks the protocol takes', () => {
    const r = diversityRound(items, labels, index, emb, 1);
    const chunks = diversityChunks(r, items.map((i) => i.id), 2);
    expect(chunks).toEqual([[{ itemId: 105, score: 1 }, { itemId: 103, score: expect.closeTo(2 / 3, 6) }], [{ itemId: 101, score: expect.closeTo(1 / 3, 6) }]]);
    chunks.forEach((entries, index) => expect(RankingChunk.safeParse({ index, total: chunks.length, entries }).success).toBe(true));
  });
});
