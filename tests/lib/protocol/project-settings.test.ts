import { describe, expect, it } from 'vitest';
import { ProjectSettings, resolveProjectSettings } from '../../../lib/protocol/project-settings';
import { DEFAULT_QUEUE_SETTINGS } from '../../../lib/queue/settings';

describe('resolveProjectSettings', () => {
  it('reads training, queue, budget and stopping from one stored object, the strategy once for both', () => {
    const stored = { strategy: 'margin', retrainEvery: 4, queue: { batchSize: 5, strategy: 'random' }, budget: { projectBudget: 100, perAnnotatorBudget: null } };
    expect(ProjectSettings.safeParse({ ...stored, queue: { batchSize: 5 } }).success).toBe(true);
    const r = resolveProjectSettings(stored, { retrainEvery: 10, retrainSeconds: 30 });
    expect(r.training).toEqual({ strategy: 'margin', retrainEvery: 4, retrainSeconds: 30 });
    expect(r.queue.settings).toMatchObject({ batchSize: 5, strategy: 'margin' });
    expect(r.queue.storedQueue).toEqual({ batchSize: 5 });
    expect(r.queue.budget.projectBudget).toBe(100);
  });

  it('falls back to the defaults for what is missing or broken', () => {
    const r = resolveProjectSettings({ strategy: 'nope', queue: { batchSize: -2 }, stopping: 'x' });
    expect(r.training.strategy).toBe('auto');
    expect(r.queue.settings).toEqual({ ...DEFAULT_QUEUE_SETTINGS, strategy: 'auto' });
    expect(r.queue.stopping).toEqual({ whenMet: 'stop' });
    expect(ProjectSettings.safeParse({ strategy: 'nope' }).success).toBe(false);
  });
});
