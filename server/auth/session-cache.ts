import { decode } from 'next-auth/jwt';
import type { PublicUser } from '../../db/queries/users';
import type { UserService } from '../services/users';

/** Auth.js names the cookie `__Secure-…` when it is served over https; each name is also its JWE salt. */
export const SESSION_COOKIES = ['__Secure-authjs.session-token', 'authjs.session-token'] as const;

/** How long a user row (its role, whether it exists) is trusted without reading it again. */
export const USER_TTL_MS = 5_000;
/** Decoded tokens kept; past this the oldest go first (a flood of distinct valid tokens cannot grow memory). */
const MAX_TOKENS = 10_000;

interface TokenEntry { secret: string; uid: number; expiresAtMs: number }
interface UserEntry { readAtMs: number; user: Promise<PublicUser | undefined> }

export interface SessionCacheOptions {
  users: UserService;
  secret: string;
  userTtlMs?: number;
  now?: () => number;
}

/**
 * The session check of every request without a database round trip in the
 * steady state. A session cookie is an encrypted JWT that carries only the user
 * id; decrypting it costs more than the handler of a small route, so the uid is
 * kept per cookie value until the token's own expiry (a cookie value cannot
 * change meaning: a different secret or a tampered token is a different value,
 * and is decoded and refused). The user row (role, existence) is kept for
 * USER_TTL_MS and dropped at once when it changes through the user service, so
 * a demotion made in the app applies to the next request and one made behind
 * its back (SQL, another process) within the TTL.
 */
export function createSessionCache(opts: SessionCacheOptions) {
  const now = opts.now ?? Date.now;
  const ttl = opts.userTtlMs ?? USER_TTL_MS;
  const tokens = new Map<string, TokenEntry>();
  const users = new Map<number, UserEntry>();
  opts.users.onChange((userId) => {
    if (userId === undefined) users.clear();
    else users.delete(userId);
  });

  async function uidOf(cookieName: string, value: string): Promise<number | null> {
    const t = now();
    const hit = tokens.get(value);
    if (hit && hit.secret === opts.secret) {
      if (t < hit.expiresAtMs) return hit.uid;
      tokens.delete(value);
      return null;
    }
    let payload: Record<string, unknown> | null;
    try {
      payload = await decode({ token: value, secret: opts.secret, salt: cookieName });
    } catch {
      return null; // tampered, another secret, malformed, or expired past jose's tolerance
    }
    const uid = payload?.uid;
    const exp = payload?.exp;
    if (typeof uid !== 'number' || typeof exp !== 'number' || t >= exp * 1000) return null;
    if (tokens.size >= MAX_TOKENS) {
      for (const [k, e] of tokens) if (e.expiresAtMs <= t) tokens.delete(k);
      if (tokens.size >= MAX_TOKENS) tokens.delete(tokens.keys().next().value as string);
    }
    tokens.set(value, { secret: opts.secret, uid, expiresAtMs: exp * 1000 });
    return uid;
  }

  function userOf(uid: number): Promise<PublicUser | undefined> {
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

  /** The logged-in user behind a request's cookies, or null: no cookie, a bad or expired token, a deleted user. */
  async function userFromCookies(cookie: (name: string) => string | undefined): Promise<PublicUser | null> {
    for (const name of SESSION_COOKIES) {
      const value = cookieValue(cookie, name);
      if (!value) continue;
      const uid = await uidOf(name, value);
      if (uid === null) continue;
      return (await userOf(uid)) ?? null;
    }
    return null;
  }

  return { userFromCookies };
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
