import { describe, expect, it } from 'vitest';
import { afterFailure, describeWait, waitBeforeAttempt, type Failures, type ThrottlePolicy } from '../../../lib/auth/throttle';
import { loginErrorMessage, throttledCode } from '../../../lib/auth/login-messages';

const POLICY: ThrottlePolicy = { freeFailures: 3, firstWaitMs: 30_000, maxWaitMs: 8 * 60_000, forgetAfterMs: 60 * 60_000 };

/** The record after `n` failures, one a second from t = 0. */
function failures(n: number): Failures | undefined {
  let f: Failures | undefined;
  for (let i = 0; i < n; i++) f = afterFailure(f, i * 1000, POLICY);
  return f;
}

describe('the login throttle policy', () => {
  it('lets the free failures through without any wait', () => {
    for (let n = 0; n < POLICY.freeFailures; n++) expect(waitBeforeAttempt(failures(n), n * 1000, POLICY)).toBe(0);
  });

  it('waits the first wait after the last free failure, counted from that failure', () => {
    const f = failures(3)!;
    expect(f.lastAtMs).toBe(2000);
    expect(waitBeforeAttempt(f, 2000, POLICY)).toBe(30_000);
    expect(waitBeforeAttempt(f, 12_000, POLICY)).toBe(20_000);
    expect(waitBeforeAttempt(f, 32_000, POLICY)).toBe(0);
  });

  it('doubles the wait with each further failure, up to the ceiling', () => {
    const waits = [3, 4, 5, 6, 7, 8, 40].map((n) => waitBeforeAttempt(failures(n), (n - 1) * 1000, POLICY));
    expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 480_000, 480_000]);
  });

  it('forgets the failures after a long quiet spell, and starts counting again', () => {
    const f = failures(10)!;
    const later = f.lastAtMs + POLICY.forgetAfterMs;
    expect(waitBeforeAttempt(f, later - 1, POLICY)).toBe(0); // the ceiling passed long ago
    expect(waitBeforeAttempt(f, later, POLICY)).toBe(0);
    expect(afterFailure(f, later, POLICY)).toEqual({ count: 1, lastAtMs: later });
    expect(afterFailure(f, later - 1, POLICY)).toEqual({ count: 11, lastAtMs: later - 1 });
  });

  it('states a wait in words a person reads, rounded up', () => {
    expect(describeWait(30_000)).toBe('30 s');
    expect(describeWait(29_001)).toBe('30 s');
    expect(describeWait(1)).toBe('1 s');
    expect(describeWait(119_000)).toBe('119 s');
    expect(describeWait(120_000)).toBe('2 min');
    expect(describeWait(15 * 60_000)).toBe('15 min');
  });

  it('carries the wait in the code of a refused login, and says it on the page', () => {
    expect(throttledCode(29_500)).toBe('throttled_30');
    expect(loginErrorMessage(throttledCode(29_500))).toBe('Too many failed logins: try again in 30 s.');
    expect(loginErrorMessage('bad_credentials')).toBe('Wrong email or password.');
    expect(loginErrorMessage('throttled_<script>')).toBe('Wrong email or password.');
    expect(loginErrorMessage(undefined)).toBe('Wrong email or password.');
  });
});
