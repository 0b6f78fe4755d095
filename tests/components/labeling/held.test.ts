import { describe, expect, it } from 'vitest';
import { createSerial, mergeClaim } from '../../../components/labeling/held';
import type { HeldItem } from '../../../components/labeling/api';

const lease = (leaseId: number, stream = 'cold'): HeldItem => ({ leaseId, itemId: 100 + leaseId, stream, expiresAt: '2030-01-01T00:00:00Z', width: 28, height: 28 });

describe('mergeClaim: the page queue after a claim or a label refill', () => {
  it('keeps the queued order and appends newly dealt items', () => {
    expect(mergeClaim([lease(2), lease(1)], [lease(1), lease(2), lease(3)], new Set()).map((l) => l.leaseId)).toEqual([2, 1, 3]);
  });

  it('drops what the server no longer lists (expired, released by a lead)', () => {
    expect(mergeClaim([lease(1), lease(2)], [lease(2), lease(4)], new Set()).map((l) => l.leaseId)).toEqual([2, 4]);
  });

  it('never shows again an item whose label is still on its way', () => {
    expect(mergeClaim([lease(2)], [lease(1), lease(2), lease(3)], new Set([1])).map((l) => l.leaseId)).toEqual([2, 3]);
  });
});

describe('createSerial: lease requests one at a time', () => {
  it('runs in the order asked, a failure does not stop the next', async () => {
    const serial = createSerial();
    const log: string[] = [];
    let answer!: () => void;
    const answered = new Promise<void>((r) => { answer = r; });
    const slow = serial(async () => { await answered; log.push('label'); });
    const failing = serial(async () => { log.push('claim'); throw new Error('network'); });
    const after = serial(async () => { log.push('release'); return 7; });
    // Nothing behind the first request starts while it waits for its answer (every pending callback has run by the next turn).
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual([]);
    answer();
    await slow;
    await expect(failing).rejects.toThrow('network');
    expect(await after).toBe(7);
    expect(log).toEqual(['label', 'claim', 'release']);
  });
});
