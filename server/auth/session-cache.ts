import { decode } from 'next-auth/jwt';
import { setBounded } from '../../lib/bounded-map';
import type { SessionUser } from '../../db/queries/users';
import type { UserService } from '../services/users';

/** Auth.js names the cookie `__Secure-…` when it is served over https; each name is also its JWE salt. */
export const SESSION_COOKIES = ['__Secure-authjs.session-token', 'authjs.session-token'] as const;

/** How long a user row (its role, whether it exists) is trusted without reading it again. */
export const USER_TTL_MS = 5_000;
/** Decoded tokens kept; past this the oldest go first (a flood of distinct valid tokens cannot grow memory). */
const MAX_TOKENS = 10_000;

/** What a valid session token says: who, with which session version, until when. Small enough to keep per open connection. */
export interface Session { uid: number; version: number; expiresAtMs: number }
interface TokenEntry { secret: string; session: Session }
interface UserEntry { readAtMs: number; user: Promise<SessionUser | undefined> }

export interface SessionCacheOptions {
  users: UserService;
  secret: string;
  userTtlMs?: number;
  now?: () => number;
}

/**
 * The session check of every request without a database round trip in the
 * steady state. A session cookie is an encrypted JWT that carries the user id
 * and the user's session version at login; decrypting it costs more than the handler of a small route, so the uid is
 * kept per cookie value until the token's own expiry (a cookie value cannot
 * change meaning: a different secret or a tampered token is a different value,
 * and is decoded and refused). The user row (role, existence) is kept for
 * USER_TTL_MS and dropped at once when it changes through the user service, so
 * a demotion made in the app applies to the next request and one made behind
 * its back (SQL, another process) within the TTL. A token whose version is
 * not the row's (the user logged out, or got a new password) is refused the
 * same way. Tokens from before versions existed count as version 0.
 */
export function createSessionCache(opts: SessionCacheOptions) {
  const now = opts.now ?? Date.now;
  const ttl = opts.userTtlMs ?? USER_TTL_MS;
  const tokens = new Map<string, TokenEntry>();
  /** Values that did not decode: they never will (a tampered or foreign token), so a flood of one forged cookie costs one decryption. */
  const refused = new Map<string, string>();
  const users = new Map<number, UserEntry>();
  opts.users.onChange((userId) => {
    if (userId === undefined) users.clear();
    else users.delete(userId);
  });

  async function sessionOf(cookieName: string, value: string): Promise<Session | null> {
    const t = now();
    const hit = tokens.get(value);
    if (hit && hit.secret === opts.secret) {
      if (t < hit.session.expiresAtMs) return hit.session;
      tokens.delete(value);
      return null;
    }
    if (refused.get(value) === opts.secret) return null;
    let payload: Record<string, unknown> | null;
    try {
      payload = await decode({ token: value, secret: opts.secret, salt: cookieName });
    } catch {
      setBounded(refused, value, opts.secret, MAX_TOKENS); // tampered, another secret, malformed, or expired past jose's tolerance
      return null;
    }
    const uid = payload?.uid;
    const exp = payload?.exp;
    const version = payload?.sv ?? 0;
    if (typeof uid !== 'number' || typeof exp !== 'number' || typeof version !== 'number' || t >= exp * 1000) {
      setBounded(refused, value, opts.secret, MAX_TOKENS);
      return null;
    }
    const session: Session = { uid, version, expiresAtMs: exp * 1000 };
    setBounded(tokens, value, { secret: opts.secret, session }, MAX_TOKENS, (e) => e.session.expiresAtMs <= t);
    return session;
  }

  function userOf(uid: number): Promise<SessionUser | undefined> {
    const t = now();
    const hit = users.get(uid);
    if (hit && t - hit.readAtMs < ttl) return hit.user;
    // Concurrent requests of one user share the read; an invalidation during it deletes the
    // entry, so the next request reads again rather than trusting a read that began before the change.
    const entry: UserEntry = { readAtMs: t, user: opts.users.get(uid) };
    users.set(uid, entry);
    entry.user.then(
      (u) => { if (!u && users.get(uid) === entry) users.delete(uid); }, // a missing user is read again next time
      () => { if (users.get(uid) === entry) users.delete(uid); },
    );
    return entry.user;
  }

  /**
   * What is already known of a request's session cookies, without decrypting anything:
   * the session of a value decoded before, null when there is no cookie or only values
   * known to be bad, undefined when a value has not been decoded yet.
   */
  function knownSession(cookie: (name: string) => string | undefined): Session | null | undefined {
    let unknown = false;
    const t = now();
    for (const name of SESSION_COOKIES) {
      const value = cookieValue(cookie, name);
      if (!value) continue;
      const hit = tokens.get(value);
      if (hit && hit.secret === opts.secret && t < hit.session.expiresAtMs) return hit.session;
      if (refused.get(value) !== opts.secret && !hit) unknown = true;
    }
    return unknown ? undefined : null;
  }

  /** The session behind a request's cookies, not yet checked against the user row; null: no cookie, a bad or expired token. */
  async function sessionFromCookies(cookie: (name: string) => string | undefined): Promise<Session | null> {
    for (const name of SESSION_COOKIES) {
      const value = cookieValue(cookie, name);
      if (!value) continue;
      const session = await sessionOf(name, value);
      if (session) return session;
    }
    return null;
  }

  /**
   * The user of a session that still holds, or null: expired, a deleted user,
   * or ended since (logout, new password). Open connections ask this again
   * while they live, with the session their handshake found.
   */
  async function userOfSession(session: Session): Promise<SessionUser | null> {
    if (now() >= session.expiresAtMs) return null;
    const user = await userOf(session.uid);
    return user && user.sessionVersion === session.version ? user : null;
  }

  /** The logged-in user behind a request's cookies, or null: no cookie, a bad, expired or ended session, a deleted user. */
  async function userFromCookies(cookie: (name: string) => string | undefined): Promise<SessionUser | null> {
    const session = await sessionFromCookies(cookie);
    return session ? userOfSession(session) : null;
  }

  return { userFromCookies, sessionFromCookies, userOfSession, knownSession };
}

export type SessionCache = ReturnType<typeof createSessionCache>;

/** Auth.js splits a token longer than a cookie allows into `name.0`, `name.1`, …; joined back here. */
function cookieValue(cookie: (name: string) => string | undefined, name: string): string | undefined {
  const whole = cookie(name);
  if (whole) return whole;
  let joined = '';
  for (let i = 0; ; i++) {
    const part = cookie(`${name}.${i}`);
    if (!part) break;
    joined += part;
  }
  return joined || undefined;
}

/** Parses a raw Cookie header (socket.io handshake, Yjs upgrade) into a lookup. */
export function cookiesOfHeader(header: string | undefined): (name: string) => string | undefined {
  const jar = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    if (!jar.has(k)) jar.set(k, part.slice(i + 1).trim());
  }
  return (name) => jar.get(name);
}

const caches = new WeakMap<UserService, SessionCache>();

/** One cache per running user service (a process can hold several runtimes in tests). */
export function sessionCacheFor(users: UserService, secret: string): SessionCache {
  let c = caches.get(users);
  if (!c || secretOf.get(c) !== secret) {
    c = createSessionCache({ users, secret });
    caches.set(users, c);
    secretOf.set(c, secret);
  }
  return c;
}
const secretOf = new WeakMap<SessionCache, string>();
