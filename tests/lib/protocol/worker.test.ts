import { describe, expect, it } from 'vitest';
import { ClaimJobRequest, CompleteJobRequest, HeartbeatRequest, HoldoutMetrics, ProgressEvent, RankingChunk, RankingEntry } from '../../../lib/protocol/worker';

const metrics = { accuracy: 0.9, macroF1: 0.88, logLoss: 0.4, ece: 0.03, holdoutSize: 200 };
const complete = { labelCount: 20, backend: 'cpu', model: 'm', strategy: 'auto', metrics, chunks: 1 };

describe('holdout metrics on the worker protocol', () => {
  it('takes the four metrics and the holdout size, with or without the pool mean uncertainty', () => {
    expect(HoldoutMetrics.parse(metrics)).toEqual(metrics);
    expect(HoldoutMetrics.parse({ ...metrics, meanUncertainty: 0.42 }).meanUncertainty).toBe(0.42);
    expect(CompleteJobRequest.parse({ ...complete, metrics: null }).metrics).toBeNull();
  });

  it('refuses a metric outside its range, NaN, an unknown field or a negative log loss', () => {
    for (const bad of [
      { ...metrics, accuracy: 1.2 },
      { ...metrics, ece: -0.1 },
      { ...metrics, meanUncertainty: 1.5 },
      { ...metrics, meanUncertainty: Number.NaN },
      { ...metrics, logLoss: -1 },
      { ...metrics, holdoutSize: 2.5 },
      { ...metrics, auc: 0.9 },
    ]) {
      expect(HoldoutMetrics.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
      expect(CompleteJobRequest.safeParse({ ...complete, metrics: bad }).success).toBe(false);
    }
  });
});

describe('ranking entries on the worker protocol', () => {
  const entry = { itemId: 12, score: 0.9, predicted: '3', confidence: 0.41 };

  it('takes an entry with or without its uncertainty (older trainers send none)', () => {
    expect(RankingEntry.parse(entry)).toEqual(entry);
    expect(RankingEntry.parse({ ...entry, uncertainty: 0.87 }).uncertainty).toBe(0.87);
    for (const edge of [0, 1]) expect(RankingEntry.parse({ ...entry, uncertainty: edge }).uncertainty).toBe(edge);
    expect(RankingChunk.parse({ index: 0, total: 1, entries: [entry, { ...entry, itemId: 13, uncertainty: 0.2 }] }).entries[1].uncertainty).toBe(0.2);
  });

  it('refuses an uncertainty outside [0, 1], NaN, infinite or not a number, naming the field', () => {
    for (const bad of [1.01, -0.1, Number.NaN, Number.POSITIVE_INFINITY, '0.5', null]) {
      const r = RankingChunk.safeParse({ index: 0, total: 1, entries: [{ ...entry, uncertainty: bad }] });
      expect(r.success, String(bad)).toBe(false);
      expect(r.error!.issues[0].path).toEqual(['entries', 0, 'uncertainty']);
    }
  });
});

describe('ranking entries without a model', () => {
  it('takes an entry with no guess and no confidence (a diversity ranking)', () => {
    expect(RankingEntry.parse({ itemId: 12, score: 0.9 })).toEqual({ itemId: 12, score: 0.9 });
  });

  it('refuses a guess without its confidence, or a confidence without a guess, and unknown fields still', () => {
    for (const bad of [{ predicted: '3' }, { confidence: 0.5 }]) {
      const r = RankingChunk.safeParse({ index: 0, total: 1, entries: [{ itemId: 12, score: 0.9, ...bad }] });
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(r.error!.issues[0].message).toMatch(/predicted and confidence go together/);
    }
    expect(RankingEntry.safeParse({ itemId: 12, score: 0.9, kind: 'diversity' }).success).toBe(false);
  });
});

describe('job claims on the worker protocol', () => {
  it('takes the backends a worker has, best first, and none at all', () => {
    expect(ClaimJobRequest.parse({ worker: 'w', backends: ['tfjs-node-gpu', 'onnxruntime-node'] }).backends).toEqual(['tfjs-node-gpu', 'onnxruntime-node']);
    expect(ClaimJobRequest.parse({ worker: 'w' }).backends).toEqual([]);
    expect(ClaimJobRequest.safeParse({ worker: 'w', backends: [''] }).success).toBe(false);
  });
});

describe('progress on the worker protocol', () => {
  it('refuses a phase jsonb cannot store, over the heartbeat and the worker socket alike', () => {
    for (const phase of ['a\uD800', '\uDC00b', 'a\u0000b']) {
      expect(HeartbeatRequest.safeParse({ progress: { phase, done: 0, total: 1 } }).error?.issues[0].path).toEqual(['progress', 'phase']);
      expect(ProgressEvent.safeParse({ jobId: 1, phase, done: 0, total: 1 }).error?.issues[0].path).toEqual(['phase']);
    }
    expect(ProgressEvent.parse({ jobId: 1, phase: 'embedding \u{1F4F7}', done: 0, total: 1 }).phase).toBe('embedding \u{1F4F7}');
  });
});
