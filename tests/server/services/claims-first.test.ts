import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClaimsFirst } from '../../../server/services/claims-first';

/** A view build's page reads wait for the claims in flight, never longer than the bound. */
describe('claims first', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  const settled = (p: Promise<unknown>) => {
    let done = false;
    p.then(() => { done = true; });
    return () => done;
  };

  it('lets a page read go at once when no claim is in flight', async () => {
    const gate = createClaimsFirst({ maxWaitMs: 250 });
    const page = settled(gate.pause());
    await Promise.resolve();
    expect(page()).toBe(true);
  });

  it('holds a page read until the last claim in flight ends', async () => {
    const gate = createClaimsFirst({ maxWaitMs: 250 });
    let endFirst!: () => void;
    let endSecond!: () => void;
    const first = gate.around(() => new Promise<void>((r) => { endFirst = r; }));
    const second = gate.around(() => new Promise<string>((r) => { endSecond = () => r('leases'); }));
    expect(gate.inFlight()).toBe(2);
    const page = settled(gate.pause());
    endFirst();
    await first;
    expect(page()).toBe(false);
    endSecond();
    expect(await second).toBe('leases');
    await Promise.resolve();
    expect(page()).toBe(true);
    expect(gate.inFlight()).toBe(0);
  });

  it('never holds a page read longer than the bound, whatever the claims do', async () => {
    const gate = createClaimsFirst({ maxWaitMs: 250 });
    void gate.around(() => new Promise<void>(() => {}));
    const page = settled(gate.pause());
    await vi.advanceTimersByTimeAsync(249);
    expect(page()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(page()).toBe(true);
  });

  it('counts a claim that failed as ended, and passes its error on', async () => {
    const gate = createClaimsFirst({ maxWaitMs: 250 });
    const page = settled(gate.pause());
    await expect(gate.around(async () => { throw new Error('conflict'); })).rejects.toThrow('conflict');
    expect(gate.inFlight()).toBe(0);
    await Promise.resolve();
    expect(page()).toBe(true);
  });

  it('waits for nothing with a bound of 0', async () => {
    const gate = createClaimsFirst({ maxWaitMs: 0 });
    void gate.around(() => new Promise<void>(() => {}));
    const page = settled(gate.pause());
    await Promise.resolve();
    expect(page()).toBe(true);
  });
});
