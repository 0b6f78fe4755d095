import { describe, expect, it } from 'vitest';
import { CompleteJobRequest, HoldoutMetrics } from '../../../lib/protocol/worker';

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
