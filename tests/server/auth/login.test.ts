import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../../fixtures/tandem-server';
import { createPostgresDatabase, DATABASE_KINDS } from '../../fixtures/database';
import { Client } from '../../fixtures/http-client';
import { TMP_ROOT } from '../../fixtures/paths';

/** The `code` Auth.js put in the login page's URL after a refused login. */
const codeOf = (location: string | null) => new URL(location ?? '', 'http://x').searchParams.get('code');

describe.each(DATABASE_KINDS)('logging in and out of a real server on %s', (kind) => {
  let server: TandemProcess;
  let admin: Client;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    let env: Record<string, string> = { TANDEM_DEMO_LIMIT: '20' };
    if (kind === 'postgres') {
      const pg = await createPostgresDatabase();
      dropDatabase = pg.drop;
      env = { ...env, DATABASE_URL: pg.url };
    }
    server = await startTandem({ dataDir: path.join(TMP_ROOT, `auth-login-${kind}`), port: await freePort(), env });
    admin = await new Client(server.url).login('admin@tandem.local', DEMO_PASSWORD);
  }, 180_000);

  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await dropDatabase?.();
  });

  it('refuses even the right password after five wrong ones, and says how long to wait on the API and on the page', async () => {
    const email = `victim-${kind}@tandem.local`;
    expect((await admin.request('POST', '/api/users', { email, password: DEMO_PASSWORD })).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const wrong = await new Client(server.url).tryLogin(email, `wrong-${i}`);
      expect(wrong.loggedIn).toBe(false);
      expect(codeOf(wrong.location)).toBe('bad_credentials');
    }
    // Another X-Forwarded-For does not make it someone else: the account is throttled wherever the guess comes from.
    const right = await new Client(server.url).tryLogin(email, DEMO_PASSWORD, { 'x-forwarded-for': '203.0.113.9', 'x-tandem-remote': '203.0.113.9' });
    expect(right.loggedIn).toBe(false);
    expect(codeOf(right.location)).toMatch(/^throttled_(29|30)$/);
    const page = await fetch(right.location!);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/Too many failed logins: try again in (29|30) s\./);
    // Other accounts are not locked out by it.
    expect((await new Client(server.url).tryLogin('lead@tandem.local', DEMO_PASSWORD)).loggedIn).toBe(true);
  });

  it('ends the session at logout: the old cookie gets 401 from the API and the login page from a page', async () => {
    const c = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    const oldCookie = c.cookieHeader();
    expect((await c.request('GET', '/api/projects')).status).toBe(200);
    const other = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD); // the same user on another device
    await c.logout();

    const api = await fetch(`${server.url}/api/projects`, { headers: { cookie: oldCookie } });
    expect(api.status).toBe(401);
    expect((await api.json()).error.code).toBe('unauthenticated');
    const page = await fetch(`${server.url}/`, { headers: { cookie: oldCookie }, redirect: 'manual' });
    expect(page.status).toBe(307);
    expect(page.headers.get('location')).toMatch(/\/login\?callbackUrl=%2F$/);
    // A logout ends every session of the user (one version per user), the other device's too.
    expect((await other.request('GET', '/api/projects')).status).toBe(401);
    // Logging in again works.
    expect((await (await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD)).request('GET', '/api/projects')).status).toBe(200);
  });

  it('refuses to demote the last admin with 409 and a message that says what to do', async () => {
    const users = await admin.request('GET', '/api/users');
    const admins = users.json.users.filter((u: { role: string }) => u.role === 'admin');
    expect(admins).toHaveLength(1);
    const r = await admin.request('PATCH', `/api/users/${admins[0].id}`, { role: 'user' });
    expect(r.status).toBe(409);
    expect(r.json.error).toEqual({ code: 'conflict', message: expect.stringMatching(/last admin/) });
    expect((await admin.request('GET', '/api/users')).status).toBe(200);
  });

  // Last: it throttles this test's own address.
  it('throttles an address that guesses at many accounts, with the wait in the message', async () => {
    // The address has a few failures from the tests above; at most its 20 free ones pass.
    let guesses = 0;
    let last: Awaited<ReturnType<Client['tryLogin']>>;
    do last = await new Client(server.url).tryLogin(`nobody-${guesses++}@tandem.local`, 'guess');
    while (codeOf(last.location) === 'bad_credentials' && guesses <= 21);
    expect(guesses).toBeLessThanOrEqual(21);
    expect(codeOf(last.location)).toMatch(/^throttled_\d+$/);
    const r = await new Client(server.url).tryLogin('ann2@tandem.local', DEMO_PASSWORD, { 'x-tandem-remote': '198.51.100.7', 'x-forwarded-for': '198.51.100.7' });
    expect(r.loggedIn).toBe(false);
    expect(codeOf(r.location)).toMatch(/^throttled_\d+$/);
  });
});
