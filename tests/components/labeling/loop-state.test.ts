import { describe, expect, it } from 'vitest';
import { initialLoop, loopReducer, screenOf, type LoopEvent, type LoopState } from '../../../components/labeling/loop/state';
import type { HeldItem } from '../../../components/labeling/api';

const lease = (leaseId: number, stream = 'cold'): HeldItem => ({ leaseId, itemId: 100 + leaseId, stream, expiresAt: '2030-01-01T00:00:00Z', width: 28, height: 28 });
const run = (...events: LoopEvent[]): LoopState => events.reduce(loopReducer, initialLoop);
const claimed = (...ids: number[]): LoopEvent => ({ type: 'claimed', answer: { leases: ids.map((i) => lease(i)) }, pendingLeaseIds: new Set() });

describe('the labeling loop state', () => {
  it('shows "loading your first item" until the first claim answers, even with items already merged', () => {
    expect(screenOf(run(claimed(1))).kind).toBe('first-loading');
    expect(screenOf(run(claimed(1), { type: 'claim-settled' }))).toMatchObject({ kind: 'item', current: { leaseId: 1 } });
  });

  it('moves to the next item on submit and counts the label at once', () => {
    const s = run({ type: 'progress', progress: { mine: 2, labeled: 5, total: 10 } }, claimed(1, 2), { type: 'claim-settled' },
      { type: 'submitted', itemId: 101, summary: '3 boxes' });
    expect(screenOf(s)).toMatchObject({ kind: 'item', current: { leaseId: 2 }, upcoming: [] });
    expect(s.progress).toEqual({ mine: 3, labeled: 6, total: 10 });
    expect(s.last).toEqual({ itemId: 101, summary: '3 boxes' });
  });

  it('says the next item is loading while answers are on their way, and empty only once none are', () => {
    const s = run(claimed(1), { type: 'claim-settled' }, { type: 'submitted', itemId: 101, summary: 'x' }, { type: 'pending', count: 1 });
    expect(screenOf(s).kind).toBe('next-loading');
    expect(screenOf(loopReducer(s, { type: 'pending', count: 0 }))).toEqual({ kind: 'empty', queue: { state: 'open', message: null } });
  });

  it('keeps the undo running when a refill ends under it', () => {
    const s = run({ type: 'work', work: { kind: 'undoing' } }, { type: 'work', work: { kind: 'refilling' } });
    expect(s.work.kind).toBe('undoing');
    expect(loopReducer(s, { type: 'work', work: { kind: 'none' } }).work.kind).toBe('none');
  });

  it('puts an undone item first and does not show it twice', () => {
    const s = run(claimed(1, 2), { type: 'claim-settled' }, { type: 'undone', lease: lease(2, 'redo') });
    expect(s.queue.map((q) => q.leaseId)).toEqual([2, 1]);
    expect(s.notice?.kind).toBe('info');
  });

  it('drops the undo notice with the next answer, but keeps an error notice', () => {
    const undone = run(claimed(1, 2), { type: 'claim-settled' }, { type: 'undone', lease: lease(2, 'redo') });
    expect(loopReducer(undone, { type: 'submitted', itemId: 102, summary: '4' }).notice).toBeNull();
    const failing = loopReducer(undone, { type: 'notice', notice: { kind: 'error', text: 'Not saved yet: retrying' } });
    expect(loopReducer(failing, { type: 'submitted', itemId: 102, summary: '4' }).notice).toEqual({ kind: 'error', text: 'Not saved yet: retrying' });
  });

  it('clears a saving error once a retry succeeds, and no other notice', () => {
    const failing = run({ type: 'notice', notice: { kind: 'error', text: 'Saving 1 label(s) failed' } });
    expect(loopReducer(failing, { type: 'notice-resolved', prefix: 'Saving' }).notice).toBeNull();
    const other = run({ type: 'notice', notice: { kind: 'error', text: 'Skip failed' } });
    expect(loopReducer(other, { type: 'notice-resolved', prefix: 'Saving' }).notice).not.toBeNull();
  });
});
