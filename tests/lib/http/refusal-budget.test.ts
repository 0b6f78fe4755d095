import { describe, expect, it } from 'vitest';
import { afterRefusal, isFull, isRefusal, refusalPolicy, waitBeforeRequest, type RefusalBudget } from '../../../lib/http/refusal-budget';

const POLICY = refusalPolicy(60); // 60 in a burst, one a second after it

/** The budget after `n` refusals at time `atMs`. */
function refused(n: number, atMs = 0): RefusalBudget | undefined {
  let b: RefusalBudget | undefined;
  for (let i = 0; i < n; i++) b = afterRefusal(b, atMs, POLICY);
  return b;
}

describe('the refusal budget', () => {
  it('reads every request of a caller with no refusals, and of one still inside the burst', () => {
    expect(waitBeforeRequest(undefined, 0, POLICY)).toBe(0);
    expect(waitBeforeRequest(refused(59), 0, POLICY)).toBe(0);
  });

  it('makes a caller wait once the burst is spent, until one refusal has refilled', () => {
    const b = refused(60);
    expect(waitBeforeRequest(b, 0, POLICY)).toBe(1000);
    expect(waitBeforeRequest(b, 400, POLICY)).toBe(600);
    expect(waitBeforeRequest(b, 1000, POLICY)).toBe(0);
  });

  it('refills at the sustained rate: a refusal a second is never throttled after the burst, two a second are', () => {
    let steady = refused(60);
    let fast = refused(60);
    let fastWaited = 0;
    for (let s = 1; s <= 30; s++) {
      expect(waitBeforeRequest(steady, s * 1000, POLICY)).toBe(0);
      steady = afterRefusal(steady, s * 1000, POLICY);
      for (const t of [s * 1000, s * 1000 + 500]) {
        if (waitBeforeRequest(fast, t, POLICY) > 0) fastWaited++;
        else fast = afterRefusal(fast, t, POLICY);
      }
    }
    expect(fastWaited).toBe(30);
  });

  it('does not dig deeper for refusals past empty: the wait stays one refill', () => {
    expect(waitBeforeRequest(refused(10_000), 0, POLICY)).toBe(1000);
  });

  it('is full again after a minute of quiet, when its record may go', () => {
    const b = refused(60)!;
    expect(isFull(b, 59_000, POLICY)).toBe(false);
    expect(isFull(b, 60_000, POLICY)).toBe(true);
  });

  it('never throttles with a limit of 0', () => {
    const off = refusalPolicy(0);
    let b: RefusalBudget | undefined;
    for (let i = 0; i < 100; i++) b = afterRefusal(b, 0, off);
    expect(waitBeforeRequest(b, 0, off)).toBe(0);
  });
});

describe('which answers spend it', () => {
  it('counts what a client gets for sending what is refused', () => {
    for (const s of [400, 401, 403, 405, 411, 413, 415, 422]) expect(isRefusal('POST', s), String(s)).toBe(true);
    expect(isRefusal('POST', 404)).toBe(true);
    expect(isRefusal('DELETE', 404)).toBe(true);
  });

  it('does not count a team\'s normal races, missing media, successes, server faults or its own 429', () => {
    for (const s of [200, 201, 204, 304, 409, 429, 500, 503]) expect(isRefusal('POST', s), String(s)).toBe(false);
    expect(isRefusal('GET', 404)).toBe(false);
    expect(isRefusal('HEAD', 404)).toBe(false);
  });
});
