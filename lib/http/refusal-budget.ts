/**
 * How many refused requests a caller may have before the server stops
 * reading theirs: a budget of refusals that refills at a steady rate (a token
 * bucket). A person who mistypes, or a page that races a lease's expiry, uses
 * a few; a client that keeps sending what the server refuses (a fuzzer, a
 * broken script, a guesser) uses it up and is answered 429 before anything of
 * its request is parsed, until the budget has refilled. Pure: the caller
 * keeps the records and passes the clock.
 */
export interface RefusalPolicy {
  /** Refusals a caller may have in a burst: the bucket's size. 0: no throttle. */
  burst: number;
  /** Refusals the budget regains per second. */
  refillPerSecond: number;
}

/**
 * TANDEM_REFUSAL_LIMIT unless set: more than a person or a page gets refused in a minute (a page
 * whose lease lapsed gets 409s, which do not count), and few enough that a fuzzer's first burst,
 * read in full before the throttle holds, is over in well under a second of the server's time.
 */
export const DEFAULT_REFUSAL_LIMIT = 20;

export interface RefusalBudget {
  /** Refusals still allowed at `atMs` (fractional while it refills). */
  left: number;
  atMs: number;
}

/** `limit` refusals in a burst, and as many per minute sustained. */
export function refusalPolicy(limit: number): RefusalPolicy {
  return { burst: limit, refillPerSecond: limit / 60 };
}

function refilled(b: RefusalBudget | undefined, nowMs: number, policy: RefusalPolicy): number {
  if (!b) return policy.burst;
  return Math.min(policy.burst, b.left + (Math.max(0, nowMs - b.atMs) / 1000) * policy.refillPerSecond);
}

/** Milliseconds until the caller's next request is read; 0: now. */
export function waitBeforeRequest(b: RefusalBudget | undefined, nowMs: number, policy: RefusalPolicy): number {
  if (policy.burst <= 0) return 0;
  const left = refilled(b, nowMs, policy);
  return left >= 1 ? 0 : Math.ceil(((1 - left) / policy.refillPerSecond) * 1000);
}

/** The budget after one more refusal at nowMs (never below empty: hammering does not dig a deeper hole). */
export function afterRefusal(b: RefusalBudget | undefined, nowMs: number, policy: RefusalPolicy): RefusalBudget {
  return { left: Math.max(0, refilled(b, nowMs, policy) - 1), atMs: nowMs };
}

/** A budget that has refilled to the brim is the same as none: its record can go. */
export function isFull(b: RefusalBudget, nowMs: number, policy: RefusalPolicy): boolean {
  return refilled(b, nowMs, policy) >= policy.burst;
}

/**
 * Which answers spend the budget: what a well-behaved client does not get
 * again and again. Conflicts (409: a lease that lapsed, a label already
 * given) are the normal race of a team and do not count, nor does a page or
 * an image that is missing (a GET's 404: a link to deleted media), nor the
 * throttle's own 429.
 */
export function isRefusal(method: string, status: number): boolean {
  switch (status) {
    case 400: case 401: case 403: case 405: case 411: case 413: case 415: case 422:
      return true;
    case 404:
      return method !== 'GET' && method !== 'HEAD';
    default:
      return false;
  }
}
