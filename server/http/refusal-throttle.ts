import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describeWait } from '../../lib/auth/throttle';
import { setBounded } from '../../lib/bounded-map';
import { afterRefusal, isFull, isRefusal, refusalPolicy, waitBeforeRequest, type RefusalBudget } from '../../lib/http/refusal-budget';
import { TandemError } from '../../lib/errors';
import { cookiesOfHeader, type SessionCache } from '../auth/session-cache';
import { REMOTE_ADDRESS_HEADER } from './remote-address';
import type { GuardVerdict } from './request-guard';

/** Records kept per kind; past this the full budgets go first, then the oldest (a flood of keys cannot grow memory). */
const MAX_RECORDS = 10_000;

/**
 * The API paths the throttle covers. Logins have their own throttle (server/auth/login-throttle.ts),
 * the CLI's endpoint refuses a wrong token with a comparison and nothing else, and pages and
 * assets are never refused for what a client sent.
 */
const COVERED = /^\/api\/(?!auth\/|cli\/)/;

export interface RefusalThrottleOptions {
  /** Refusals a caller may have in a burst, and per minute sustained (TANDEM_REFUSAL_LIMIT); 0: off. */
  limit: number;
  sessions: () => SessionCache;
  /** Whether a worker token is one the server issued and has not revoked (a database read). */
  proveWorkerToken: (token: string) => Promise<boolean>;
  now?: () => number;
}

export type Admission =
  /** `suspect`: the caller has been refused lately (their budget is not full); their request waits its turn in the suspect lane. */
  | { kind: 'read'; suspect: boolean }
  | { kind: 'throttled'; verdict: GuardVerdict };

/**
 * The refused requests of each caller, in this process, and the 429 that
 * ends a caller's run of them. A caller is the user of a valid session, a
 * worker token the server issued, or else the client's address: so a forged
 * cookie or token shares its address's budget, and a team behind one address
 * is not throttled for an attacker among them, as long as each proves who
 * they are. Proving costs one decryption (a session cookie) or one database
 * read (a worker token), done only when the address's budget is spent; what
 * did not prove is remembered, so a flood of one forgery costs one check.
 */
export function createRefusalThrottle(opts: RefusalThrottleOptions) {
  const now = opts.now ?? Date.now;
  const policy = refusalPolicy(opts.limit);
  const budgets = new Map<string, RefusalBudget>();
  const workerTokens = new Map<string, boolean>(); // token digest → issued or not

  const digest = (token: string) => crypto.createHash('sha256').update(token).digest('base64url').slice(0, 22);
  const addressKey = (req: IncomingMessage) => `address:${req.headers[REMOTE_ADDRESS_HEADER] ?? req.socket.remoteAddress ?? 'unknown'}`;
  const bearerOf = (req: IncomingMessage) => {
    const auth = req.headers.authorization;
    return typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7).trim() : null;
  };
  const pathOf = (req: IncomingMessage) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    return q < 0 ? url : url.slice(0, q);
  };

  /** Who the request is from, by what is already known of its credentials (nothing decrypted, nothing read). */
  function knownCaller(req: IncomingMessage): { key: string; unproven: boolean } {
    const session = opts.sessions().knownSession(cookiesOfHeader(req.headers.cookie));
    if (session) return { key: `user:${session.uid}`, unproven: false };
    const token = bearerOf(req);
    if (token) {
      const issued = workerTokens.get(digest(token));
      if (issued) return { key: `worker:${digest(token)}`, unproven: false };
      return { key: addressKey(req), unproven: issued === undefined || session === undefined };
    }
    return { key: addressKey(req), unproven: session === undefined };
  }

  /** The caller behind credentials not seen before: decrypted or read now, and remembered. */
  async function provenCaller(req: IncomingMessage): Promise<string | null> {
    const session = await opts.sessions().sessionFromCookies(cookiesOfHeader(req.headers.cookie));
    if (session) return `user:${session.uid}`;
    const token = bearerOf(req);
    if (!token) return null;
    const key = digest(token);
    let issued = workerTokens.get(key);
    if (issued === undefined) {
      issued = await opts.proveWorkerToken(token).catch(() => false);
      setBounded(workerTokens, key, issued, MAX_RECORDS);
    }
    return issued ? `worker:${key}` : null;
  }

  /** Full budgets are the same as none: dropped once a minute, so a quiet server keeps no records and admit reads nothing. */
  let sweptAt = now();
  function sweep(): void {
    const t = now();
    if (t - sweptAt < 60_000) return;
    sweptAt = t;
    for (const [k, b] of budgets) if (isFull(b, t, policy)) budgets.delete(k);
  }

  function spend(key: string): void {
    const t = now();
    setBounded(budgets, key, afterRefusal(budgets.get(key), t, policy), MAX_RECORDS, (b) => isFull(b, t, policy));
  }

  function waitOf(key: string): number {
    return waitBeforeRequest(budgets.get(key), now(), policy);
  }

  function read(key: string): Admission {
    const b = budgets.get(key);
    return { kind: 'read', suspect: b !== undefined && !isFull(b, now(), policy) };
  }

  function throttled(waitMs: number, message = `too many of your requests were refused in a short time; try again in ${describeWait(waitMs)}`): Extract<Admission, { kind: 'throttled' }> {
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    const e = new TandemError('rate_limited', message);
    return { kind: 'throttled', verdict: { status: e.status, body: e.toBody(), headers: { 'retry-after': String(retryAfterSeconds) } } };
  }

  /** Whether the request is read at all. Synchronous unless the address is throttled and the request brings credentials not yet proven. */
  function admit(req: IncomingMessage): Admission | Promise<Admission> {
    // Nobody refused lately (the usual case): no cookie parsed, no caller looked up.
    sweep();
    if (policy.burst <= 0 || budgets.size === 0 || !COVERED.test(pathOf(req))) return { kind: 'read', suspect: false };
    const caller = knownCaller(req);
    const wait = waitOf(caller.key);
    if (wait === 0) return read(caller.key);
    if (!caller.unproven) return throttled(wait);
    return provenCaller(req).then((key) => {
      if (!key) return throttled(wait);
      const own = waitOf(key);
      return own === 0 ? read(key) : throttled(own);
    });
  }

  /** The answer to a suspect whose turn cannot come soon: the lane's line is full. */
  function laneFull(): GuardVerdict {
    return throttled(1000, 'too many requests of callers refused lately are waiting; try again in 1 s').verdict;
  }

  /** Counts the answer against its caller (known by now: the route has decoded the session it read). */
  function settle(req: IncomingMessage, status: number): void {
    if (policy.burst <= 0 || !isRefusal(req.method ?? 'GET', status) || !COVERED.test(pathOf(req))) return;
    spend(knownCaller(req).key);
  }

  return { admit, settle, laneFull };
}

export type RefusalThrottle = ReturnType<typeof createRefusalThrottle>;
