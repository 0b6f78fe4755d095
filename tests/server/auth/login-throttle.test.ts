import { describe, expect, it } from 'vitest';
import { createLoginThrottle, type LoginAttempt } from '../../../server/auth/login-throttle';
import type { ThrottlePolicy } from '../../../lib/auth/throttle';

const ACCOUNT: ThrottlePolicy = { freeFailures: 3, firstWaitMs: 30_000, maxWaitMs: 600_000, forgetAfterMs: 3_600_000 };
const ADDRESS: ThrottlePolicy = { freeFailures: 5, firstWaitMs: 60_000, maxWaitMs: 600_000, forgetAfterMs: 3_600_000 };

function setup() {
  let clock = 1_000_000;
  const throttle = createLoginThrottle({ now: () => clock, account: ACCOUNT, address: ADDRESS });
  const fail = (email: string, address: string | null) => {
    const a = throttle.attempt(email, address);
    expect(a.kind).toBe('allowed');
    (a as Extract<LoginAttempt, { kind: 'allowed' }>).settle(false);
  };
  return { throttle, fail, advance: (ms: number) => { clock += ms; } };
}

describe('the login throttle of a process', () => {
  it('throttles an account after its free failures, whatever address the guesses come from', () => {
    const { throttle, fail } = setup();
    for (let i = 0; i < 3; i++) fail('Admin@x.y', `10.0.0.${i}`);
    expect(throttle.attempt('admin@x.y ', '10.0.0.99')).toEqual({ kind: 'throttled', waitMs: 30_000 });
    expect(throttle.attempt('other@x.y', '10.0.0.99').kind).toBe('allowed');
  });

  it('throttles an address that guesses at many accounts', () => {
    const { throttle, fail } = setup();
    for (let i = 0; i < 5; i++) fail(`user${i}@x.y`, '10.0.0.1');
    expect(throttle.attempt('fresh@x.y', '10.0.0.1')).toEqual({ kind: 'throttled', waitMs: 60_000 });
    expect(throttle.attempt('fresh@x.y', '10.0.0.2').kind).toBe('allowed');
  });

  it('lets the next attempt through once the wait is over, and doubles the wait after another failure', () => {
    const { throttle, fail, advance } = setup();
    for (let i = 0; i < 3; i++) fail('a@x.y', null);
    advance(29_999);
    expect(throttle.attempt('a@x.y', null)).toEqual({ kind: 'throttled', waitMs: 1 });
    advance(1);
    fail('a@x.y', null);
    expect(throttle.attempt('a@x.y', null)).toEqual({ kind: 'throttled', waitMs: 60_000 });
  });

  it('counts parallel attempts as they begin: the fourth of four at once is already throttled', () => {
    const { throttle } = setup();
    const first = [throttle.attempt('a@x.y', null), throttle.attempt('a@x.y', null), throttle.attempt('a@x.y', null)];
    expect(first.map((a) => a.kind)).toEqual(['allowed', 'allowed', 'allowed']);
    expect(throttle.attempt('a@x.y', null).kind).toBe('throttled');
  });

  it('does not hold logins in flight against their address: a team behind one address logs in at once', () => {
    const { throttle } = setup();
    const team = Array.from({ length: 50 }, (_, i) => throttle.attempt(`member${i}@x.y`, '10.0.0.1'));
    expect(team.every((a) => a.kind === 'allowed')).toBe(true);
    for (const a of team) if (a.kind === 'allowed') a.settle(true);
    expect(throttle.attempt('late@x.y', '10.0.0.1').kind).toBe('allowed');
  });

  it('clears the account on a success, but keeps the address\'s other failures', () => {
    const { throttle, fail } = setup();
    for (let i = 0; i < 2; i++) fail('a@x.y', '10.0.0.1');
    for (let i = 0; i < 2; i++) fail(`b${i}@x.y`, '10.0.0.1');
    const ok = throttle.attempt('a@x.y', '10.0.0.1');
    if (ok.kind !== 'allowed') throw new Error('expected an attempt');
    ok.settle(true);
    for (let i = 0; i < 3; i++) fail('a@x.y', '10.0.0.2'); // the account starts from zero again
    expect(throttle.attempt('a@x.y', '10.0.0.2').kind).toBe('throttled');
    fail('c@x.y', '10.0.0.1'); // address: its 4 failures + this one = 5
    expect(throttle.attempt('d@x.y', '10.0.0.1').kind).toBe('throttled');
  });
});
