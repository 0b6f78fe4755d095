import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encode } from 'next-auth/jwt';
import type { Database } from '../../../db/client';
import { SYSTEM } from '../../../server/services/access';
import { createUserService, type UserService } from '../../../server/services/users';
import { createSessionCache, cookiesOfHeader, USER_TTL_MS } from '../../../server/auth/session-cache';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';

const SECRET = 'session-cache-test-secret-0123456789abcdef';
const COOKIE = 'authjs.session-token';

/** A session cookie exactly as Auth.js writes it after a login (same encoder, same salt). */
async function sessionCookie(uid: number, opts: { secret?: string; maxAge?: number; name?: string; version?: number } = {}) {
  const name = opts.name ?? COOKIE;
  const claims = opts.version === undefined ? { uid, sub: String(uid) } : { uid, sv: opts.version, sub: String(uid) };
  const token = await encode({ token: claims, secret: opts.secret ?? SECRET, salt: name, maxAge: opts.maxAge ?? 3600 });
  return `${name}=${token}`;
}

describe.each(DATABASE_KINDS)('the session check on %s', (kind) => {
  let database: Database;
  let users: UserService;
  let reads: number;
  let clock: number;
  let cache: ReturnType<typeof createSessionCache>;

  beforeEach(async () => {
    database = await openTestDatabase(kind);
    const real = createUserService(database.db);
    reads = 0;
    // The real service, counting its row reads: the steady state must not read at all.
    users = { ...real, get: (id: number) => { reads++; return real.get(id); } };
    clock = Date.now();
    cache = createSessionCache({ users, secret: SECRET, now: () => clock });
  });
  afterEach(async () => { await database.close(); });

  const check = (cookie: string) => cache.userFromCookies(cookiesOfHeader(cookie));

  it('knows the user behind a valid cookie and reads their row once per TTL, however many requests come', async () => {
    const u = await users.add(SYSTEM, { email: 'a@t.local', password: 'password123' });
    const cookie = await sessionCookie(u.id);
    const first = await Promise.all(Array.from({ length: 10 }, () => check(cookie)));
    expect(first.map((x) => x?.id)).toEqual(Array(10).fill(u.id));
    for (let i = 0; i < 50; i++) expect((await check(cookie))?.role).toBe('user');
    expect(reads).toBe(1);
    clock += USER_TTL_MS;
    await check(cookie);
    expect(reads).toBe(2);
  });

  it('applies a role change made through the user service on the very next request', async () => {
    await users.add(SYSTEM, { email: 'keeper@t.local', password: 'password123', role: 'admin' }); // the last admin may not be demoted
    const u = await users.add(SYSTEM, { email: 'b@t.local', password: 'password123', role: 'admin' });
    const cookie = await sessionCookie(u.id);
    expect((await check(cookie))?.role).toBe('admin');
    await users.setRole(SYSTEM, u.id, 'user');
    expect((await check(cookie))?.role).toBe('user');
  });

  it('applies a role change made behind the service\'s back (SQL, the CLI\'s process) within the TTL', async () => {
    const u = await users.add(SYSTEM, { email: 'c@t.local', password: 'password123', role: 'admin' });
    const cookie = await sessionCookie(u.id);
    expect((await check(cookie))?.role).toBe('admin');
    await database.db.execute(`update users set role = 'user' where id = ${u.id}` as never);
    clock += USER_TTL_MS - 1;
    expect((await check(cookie))?.role).toBe('admin'); // the documented staleness, no more
    clock += 1;
    expect((await check(cookie))?.role).toBe('user');
  });

  it('refuses a deleted user within the TTL and keeps refusing', async () => {
    const u = await users.add(SYSTEM, { email: 'd@t.local', password: 'password123' });
    const cookie = await sessionCookie(u.id);
    expect(await check(cookie)).not.toBeNull();
    await database.db.execute(`delete from users where id = ${u.id}` as never);
    clock += USER_TTL_MS;
    expect(await check(cookie)).toBeNull();
    expect(await check(cookie)).toBeNull();
  });

  it('refuses a token past its expiry even though it was decoded and kept before', async () => {
    const u = await users.add(SYSTEM, { email: 'e@t.local', password: 'password123' });
    const cookie = await sessionCookie(u.id, { maxAge: 60 });
    expect(await check(cookie)).not.toBeNull();
    // Past the token's exp, which the encoder set from the real clock when it sealed the token (a
    // second boundary after this test's clock started, on a slow machine): a minute after now is past it.
    clock = Date.now() + 61_000;
    expect(await check(cookie)).toBeNull();
    // A fresh cache (a restart) refuses it too: the expiry is checked on decode, not only on a hit.
    const fresh = createSessionCache({ users, secret: SECRET, now: () => clock });
    expect(await fresh.userFromCookies(cookiesOfHeader(cookie))).toBeNull();
  });

  it('refuses a token sealed with another secret, a tampered token, a stray cookie and no cookie', async () => {
    const u = await users.add(SYSTEM, { email: 'f@t.local', password: 'password123' });
    const good = await sessionCookie(u.id);
    expect(await check(good)).not.toBeNull(); // kept: a tampered copy must not ride on it
    expect(await check(await sessionCookie(u.id, { secret: 'another-secret-0123456789abcdef0123' }))).toBeNull();
    const tampered = good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(await check(tampered)).toBeNull();
    expect(await check(`${COOKIE}=not-a-jwt`)).toBeNull();
    expect(await check('theme=dark')).toBeNull();
    expect(await check('')).toBeNull();
    // The same cookie under a secret rotated since: refused, not served from the cache of the old one.
    const rotated = createSessionCache({ users, secret: 'rotated-secret-0123456789abcdef012345', now: () => clock });
    expect(await rotated.userFromCookies(cookiesOfHeader(good))).toBeNull();
  });

  it('ends every session of a user on logout (endSessions) for the very next request, without reading per request afterwards', async () => {
    const u = await users.add(SYSTEM, { email: 'h@t.local', password: 'password123' });
    const cookie = await sessionCookie(u.id, { version: 0 });
    expect((await check(cookie))?.id).toBe(u.id);
    await users.endSessions(u.id);
    expect(await check(cookie)).toBeNull();
    const before = reads;
    for (let i = 0; i < 20; i++) expect(await check(cookie)).toBeNull();
    expect(reads).toBe(before); // the ended session is answered from the cached row
    // A login after the logout carries the new version and holds.
    expect((await check(await sessionCookie(u.id, { version: 1 })))?.id).toBe(u.id);
  });

  it('ends the sessions made with the old password when the password changes', async () => {
    const u = await users.add(SYSTEM, { email: 'i@t.local', password: 'password123' });
    const cookie = await sessionCookie(u.id, { version: 0 });
    expect(await check(cookie)).not.toBeNull();
    await users.setPassword(SYSTEM, u.id, 'a new password');
    expect(await check(cookie)).toBeNull();
    expect(await users.verify('i@t.local', 'password123')).toBeNull();
    expect(await users.verify('i@t.local', 'a new password')).toMatchObject({ id: u.id });
  });

  it('ends a session when another process raises the version in the database, within the TTL', async () => {
    const u = await users.add(SYSTEM, { email: 'j@t.local', password: 'password123' });
    const cookie = await sessionCookie(u.id);  // a token from before versions: version 0
    expect(await check(cookie)).not.toBeNull();
    await database.db.execute(`update users set session_version = session_version + 1 where id = ${u.id}` as never);
    clock += USER_TTL_MS - 1;
    expect(await check(cookie)).not.toBeNull(); // the documented staleness, no more
    clock += 1;
    expect(await check(cookie)).toBeNull();
  });

  it('accepts the https cookie name and a token split into chunks, as Auth.js writes them', async () => {
    const u = await users.add(SYSTEM, { email: 'g@t.local', password: 'password123' });
    expect((await check(await sessionCookie(u.id, { name: '__Secure-authjs.session-token' })))?.id).toBe(u.id);
    const token = (await sessionCookie(u.id)).slice(COOKIE.length + 1);
    const half = Math.floor(token.length / 2);
    expect((await check(`${COOKIE}.0=${token.slice(0, half)}; ${COOKIE}.1=${token.slice(half)}`))?.id).toBe(u.id);
  });
});
