import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../server/log';
import { spacedPerProject } from '../../server/spaced';

// Fake timers (and Date): the spacing is asserted to the millisecond, and no run depends on how
// busy the machine is. A run's "duration" is a fake-timer wait inside the work.
const takes = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = createLogger('silent', 'test');

describe('spacedPerProject', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('runs once for a burst of changes, per project', async () => {
    const runs: number[] = [];
    const s = spacedPerProject(async (pid) => { runs.push(pid); }, { log, what: 'test', everyMs: 20 });
    for (let i = 0; i < 10; i++) {
      s.changed(1);
      s.changed(2);
    }
    await vi.advanceTimersByTimeAsync(19);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(61);
    s.stop();
    expect(runs.sort()).toEqual([1, 2]);
  });

  it('runs again after a change that arrived while it ran, and never two runs of a project at once', async () => {
    let inFlight = 0;
    let most = 0;
    let runs = 0;
    // A run slower than the spacing: a change mid-run must wait for it, not start beside it.
    const s = spacedPerProject(async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await takes(40);
      inFlight--;
      runs++;
    }, { log, what: 'test', everyMs: 5, costShare: 1 });
    s.changed(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(inFlight).toBe(1); // started at 5 ms, runs until 45 ms
    s.changed(1);
    s.changed(1);
    await vi.advanceTimersByTimeAsync(200);
    s.stop();
    expect(runs).toBe(2);
    expect(most).toBe(1);
  });

  it('keeps a slow run to its share of the time', async () => {
    const at: number[] = [];
    // 30 ms at a 10% share: the next run no sooner than 300 ms after it ended.
    const s = spacedPerProject(async () => { at.push(Date.now()); await takes(30); }, { log, what: 'test', everyMs: 10, costShare: 0.1 });
    const t0 = Date.now();
    s.changed(1);
    await vi.advanceTimersByTimeAsync(60);
    expect(at).toEqual([t0 + 10]);
    s.changed(1);
    // The first run ended at 40 ms: not at 339 ms, at 340.
    await vi.advanceTimersByTimeAsync(339 - 60);
    expect(at).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(at).toEqual([t0 + 10, t0 + 340]);
    await vi.advanceTimersByTimeAsync(900);
    s.stop();
    expect(at).toHaveLength(2);
  });

  it('waits no longer than its longest gap, however slow a run was', async () => {
    const at: number[] = [];
    // 30 ms at a 1% share would be 3 s; the longest gap is 500 ms.
    const s = spacedPerProject(async () => { at.push(Date.now()); await takes(30); }, { log, what: 'test', everyMs: 10, costShare: 0.01, maxGapMs: 500 });
    const t0 = Date.now();
    s.changed(1);
    await vi.advanceTimersByTimeAsync(60);
    s.changed(1);
    // The first run ended at 40 ms: the next at 540, not at 3,040.
    await vi.advanceTimersByTimeAsync(539 - 60);
    expect(at).toEqual([t0 + 10]);
    await vi.advanceTimersByTimeAsync(1);
    expect(at).toEqual([t0 + 10, t0 + 540]);
    s.stop();
  });

  it('goes on after a run that failed', async () => {
    let calls = 0;
    const s = spacedPerProject(async () => {
      calls++;
      if (calls === 1) throw new Error('database gone');
    }, { log, what: 'test', everyMs: 5 });
    s.changed(1);
    await vi.advanceTimersByTimeAsync(40);
    expect(calls).toBe(1);
    s.changed(1);
    await vi.advanceTimersByTimeAsync(40);
    s.stop();
    expect(calls).toBe(2);
  });

  it('runs nothing after stop', async () => {
    let calls = 0;
    const s = spacedPerProject(async () => { calls++; }, { log, what: 'test', everyMs: 10 });
    s.changed(1);
    s.stop();
    s.changed(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(vi.getTimerCount()).toBe(0);
    expect(calls).toBe(0);
  });
});
