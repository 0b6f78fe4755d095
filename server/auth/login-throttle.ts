import { setBounded } from '../../lib/bounded-map';
import { ACCOUNT_POLICY, ADDRESS_POLICY, afterFailure, waitBeforeAttempt, type Failures, type ThrottlePolicy } from '../../lib/auth/throttle';

/** Records kept per kind; past this the forgotten go first, then the oldest (a flood of names cannot grow memory). */
const MAX_RECORDS = 10_000;

export type LoginAttempt =
  | { kind: 'throttled'; waitMs: number }
  /** Go ahead; say how it ended. */
  | { kind: 'allowed'; settle(succeeded: boolean): void };

export interface LoginThrottleOptions {
  now?: () => number;
  account?: ThrottlePolicy;
  address?: ThrottlePolicy;
}

/**
 * The failed-login records of this process, per account (email) and per
 * client address, in memory: a restart forgets them, and several server
 * processes would each keep their own (Tandem runs one). For the account,
 * an attempt is counted as a failure when it begins and forgiven when it
 * succeeds, so parallel guesses at one account cannot all slip in before the
 * first is judged. For the address, only failures count, once judged: a team
 * behind one address logging in at the same moment is not throttled (a burst
 * of parallel guesses at many accounts can overshoot the address's limit by
 * what is in flight, each account still held to its own).
 */
export function createLoginThrottle(opts: LoginThrottleOptions = {}) {
  const now = opts.now ?? Date.now;
  const accountPolicy = opts.account ?? ACCOUNT_POLICY;
  const addressPolicy = opts.address ?? ADDRESS_POLICY;
  const accounts = new Map<string, Failures>();
  const addresses = new Map<string, Failures>();

  function remember(map: Map<string, Failures>, key: string, f: Failures, policy: ThrottlePolicy): void {
    const t = now();
    setBounded(map, key, f, MAX_RECORDS, (e) => t - e.lastAtMs >= policy.forgetAfterMs);
  }

  /** Asks to try `email` from `address` (null: unknown, only the account is throttled). */
  function attempt(email: string, address: string | null): LoginAttempt {
    const t = now();
    const account = email.trim().toLowerCase();
    const wait = Math.max(
      waitBeforeAttempt(accounts.get(account), t, accountPolicy),
      address === null ? 0 : waitBeforeAttempt(addresses.get(address), t, addressPolicy),
    );
    if (wait > 0) return { kind: 'throttled', waitMs: wait };
    remember(accounts, account, afterFailure(accounts.get(account), t, accountPolicy), accountPolicy);
    let settled = false;
    return {
      kind: 'allowed',
      settle(succeeded) {
        if (settled) return;
        settled = true;
        if (succeeded) {
          // The address keeps its failures: one good login of one's own must not
          // wipe the record of guesses at everyone else's account.
          accounts.delete(account);
        } else if (address !== null) {
          remember(addresses, address, afterFailure(addresses.get(address), now(), addressPolicy), addressPolicy);
        }
      },
    };
  }

  return { attempt };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
