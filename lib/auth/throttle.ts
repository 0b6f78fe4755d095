/**
 * When may the next login be tried, given the failures so far: a few free
 * failures (a typo, a caps lock), then a wait that doubles with each further
 * failure up to a ceiling, and a clean slate after a long quiet spell. Pure:
 * the caller keeps the records and passes the clock.
 */
export interface ThrottlePolicy {
  /** Failures allowed before any wait. */
  freeFailures: number;
  /** The wait after the first failure past the free ones; each further failure doubles it. */
  firstWaitMs: number;
  maxWaitMs: number;
  /** A record with no failure for this long is forgotten (longer than maxWaitMs, or the ceiling would not hold). */
  forgetAfterMs: number;
}

export interface Failures {
  count: number;
  lastAtMs: number;
}

/** Per account: five wrong passwords, then 30 s, 1 min, 2 min, … up to 15 min between tries. */
export const ACCOUNT_POLICY: ThrottlePolicy = { freeFailures: 5, firstWaitMs: 30_000, maxWaitMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };
/** Per client address: more slack (several people may share one), the same ladder after it. */
export const ADDRESS_POLICY: ThrottlePolicy = { freeFailures: 20, firstWaitMs: 30_000, maxWaitMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };

const forgotten = (f: Failures | undefined, nowMs: number, policy: ThrottlePolicy): boolean =>
  !f || nowMs - f.lastAtMs >= policy.forgetAfterMs;

/** Milliseconds until the next attempt may be made; 0: now. */
export function waitBeforeAttempt(f: Failures | undefined, nowMs: number, policy: ThrottlePolicy): number {
  if (forgotten(f, nowMs, policy)) return 0;
  const past = f!.count - policy.freeFailures;
  if (past < 0) return 0;
  const wait = Math.min(policy.maxWaitMs, policy.firstWaitMs * 2 ** Math.min(past, 30));
  return Math.max(0, f!.lastAtMs + wait - nowMs);
}

/** The record after one more failure at nowMs. */
export function afterFailure(f: Failures | undefined, nowMs: number, policy: ThrottlePolicy): Failures {
  return forgotten(f, nowMs, policy) ? { count: 1, lastAtMs: nowMs } : { count: f!.count + 1, lastAtMs: nowMs };
}

/** A wait as a person reads it, rounded up: "30 s", "2 min". */
export function describeWait(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s < 120 ? `${s} s` : `${Math.ceil(s / 60)} min`;
}

/**
 * Accepting invites, per client address: a token is 256 random bits, so this only keeps a
 * guesser from hammering the server; ten wrong links, then the same ladder as logins.
 */
export const INVITE_POLICY: ThrottlePolicy = { freeFailures: 10, firstWaitMs: 30_000, maxWaitMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };
