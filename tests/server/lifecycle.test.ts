import { describe, expect, it } from 'vitest';
import { createLifecycle } from '../../server/lifecycle';

const quietLog = () => {
  const warned: { extension: string; hook: string }[] = [];
  return { warned, log: { warn: (o: object) => void warned.push(o as { extension: string; hook: string }) } };
};

describe('the project lifecycle', () => {
  it('runs every extension that has a hook, in the order they were added, with the hook\'s arguments', () => {
    const lc = createLifecycle();
    const seen: string[] = [];
    lc.use({ name: 'a', onLabelCommitted: (pid, e) => void seen.push(`a:${pid}:${e.kind}:${e.itemId}`) });
    lc.use({ name: 'b', onModelVersion: () => void seen.push('b:model') });
    lc.use({ name: 'c', onLabelCommitted: (pid) => void seen.push(`c:${pid}`) });
    lc.hooks.onLabelCommitted(7, { kind: 'undo', itemId: 3 });
    lc.hooks.onRankingApplied(7, 1);
    expect(seen).toEqual(['a:7:undo:3', 'c:7']);
  });

  it('keeps going past an extension that throws or rejects, and logs which one failed', async () => {
    const { warned, log } = quietLog();
    const lc = createLifecycle(log);
    const seen: string[] = [];
    lc.use({ name: 'thrower', onQueueChanged: () => { throw new Error('boom'); } });
    lc.use({ name: 'rejecter', onQueueChanged: () => Promise.reject(new Error('later')) });
    lc.use({ name: 'fine', onQueueChanged: (_pid, e) => void seen.push(e.event) });
    expect(() => lc.hooks.onQueueChanged(1, { event: 'paused' })).not.toThrow();
    expect(seen).toEqual(['paused']);
    await new Promise((r) => setImmediate(r));
    expect(warned.map((w) => `${w.extension}/${w.hook}`)).toEqual(['thrower/onQueueChanged', 'rejecter/onQueueChanged']);
  });

  it('removes an extension, and stops them all at shutdown', () => {
    const lc = createLifecycle();
    let calls = 0;
    let stopped = 0;
    const off = lc.use({ name: 'x', onJobQueued: () => void calls++ });
    lc.use({ name: 'y', onJobQueued: () => void calls++, stop: () => void stopped++ });
    lc.hooks.onJobQueued(1);
    off();
    lc.hooks.onJobQueued(1);
    lc.stop();
    lc.hooks.onJobQueued(1);
    expect({ calls, stopped }).toEqual({ calls: 3, stopped: 1 });
  });
});
