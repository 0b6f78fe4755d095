import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/log';
import { spacedPerProject } from '../../server/spaced';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = createLogger('silent', 'test');

describe('spacedPerProject', () => {
  it('runs once for a burst of changes, per project', async () => {
    const runs: number[] = [];
    const s = spacedPerProject(async (pid) => { runs.push(pid); }, { log, what: 'test', everyMs: 20 });
    for (let i = 0; i < 10; i++) {
      s.changed(1);
      s.changed(2);
    }
    await sleep(80);
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
      await sleep(40);
      inFlight--;
      runs++;
    }, { log, what: 'test', everyMs: 5, costShare: 1 });
    s.changed(1);
    await sleep(20);
    s.changed(1);
    s.changed(1);
    await sleep(200);
    s.stop();
    expect(runs).toBe(2);
    expect(most).toBe(1);
  });

  it('keeps a slow run to its share of the time', async () => {
    const at: number[] = [];
    // 30 ms at a 10% share: the next run no sooner than 300 ms after it ended.
    const s = spacedPerProject(async () => { at.push(Date.now()); await sleep(30); }, { log, what: 'test', everyMs: 10, costShare: 0.1 });
    s.changed(1);
    await sleep(60);
    s.changed(1);
    await sleep(900);
    s.stop();
    expect(at).toHaveLength(2);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(280);
  });

  it('goes on after a run that failed', async () => {
    let calls = 0;
    const s = spacedPerProject(async () => {
      calls++;
      if (calls === 1) throw new Error('database gone');
    }, { log, what: 'test', everyMs: 5 });
    s.changed(1);
    await sleep(40);
    s.changed(1);
    await sleep(40);
    s.stop();
    expect(calls).toBe(2);
  });

  it('runs nothing after stop', async () => {
    let calls = 0;
    const s = spacedPerProject(async () => { calls++; }, { log, what: 'test', everyMs: 10 });
    s.changed(1);
    s.stop();
    s.changed(1);
    await sleep(50);
    expect(calls).toBe(0);
  });
});
