import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLifecycle } from '../../../server/lifecycle';
import { labelChecks } from '../../../server/extensions/label-checks';
import type { Services } from '../../../server/services';

/** Services that record which projects were asked whether a retrain is due and whether the budget is spent. */
function recordingServices() {
  const asked: { retrain: number[]; budget: number[] } = { retrain: [], budget: [] };
  const services = {
    training: { maybeEnqueue: async (pid: number) => { asked.retrain.push(pid); return false; } },
    queueControls: { checkBudget: async (pid: number) => { asked.budget.push(pid); } },
  } as unknown as Services;
  return { services, asked };
}

const log = { warn: () => {}, info: () => {}, debug: () => {}, error: () => {} } as never;

describe('label checks', () => {
  afterEach(() => vi.useRealTimers());

  it('ask whether a retrain is due once for a burst of labels', async () => {
    vi.useFakeTimers();
    const { services, asked } = recordingServices();
    const lifecycle = createLifecycle();
    lifecycle.use(labelChecks(() => services, log));
    for (let i = 0; i < 5; i++) lifecycle.hooks.onLabelCommitted(3, { kind: 'label', itemId: i });
    await vi.advanceTimersByTimeAsync(1000);
    expect(asked).toEqual({ retrain: [3], budget: [3] });
    lifecycle.stop();
  });

  it('ask as soon as items are imported: a task ranked by diversity alone gets its first ranking without waiting for a label or the server\'s tick', async () => {
    vi.useFakeTimers();
    const { services, asked } = recordingServices();
    const lifecycle = createLifecycle();
    lifecycle.use(labelChecks(() => services, log));
    lifecycle.hooks.onItemsImported(4, { added: 60 });
    await vi.advanceTimersByTimeAsync(999);
    expect(asked.retrain).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(asked.retrain).toEqual([4]);
    lifecycle.stop();
  });
});
