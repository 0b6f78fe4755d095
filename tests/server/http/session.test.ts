import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../../fixtures/tandem-server';
import { createPostgresDatabase, DATABASE_KINDS } from '../../fixtures/database';
import { Client } from '../../fixtures/http-client';
import { TMP_ROOT } from '../../fixtures/paths';

function timing(h: Headers, name: string): number | null {
  const m = new RegExp(`(?:^|,\\s*)${name};dur=([\\d.]+)`).exec(h.get('server-timing') ?? '');
  return m ? Number(m[1]) : null;
}

describe.each(DATABASE_KINDS)('the session check of a real server on %s', (kind) => {
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
    server = await startTandem({ dataDir: path.join(TMP_ROOT, `http-session-${kind}`), port: await freePort(), env });
    admin = await new Client(server.url).login('admin@tandem.local', DEMO_PASSWORD);
  }, 400_000);

  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await dropDatabase?.();
  });

  it('says in Server-Timing what the session check and the handler each took', async () => {
    const durations: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await admin.request('GET', '/api/projects');
      expect(r.status).toBe(200);
      expect(timing(r.headers, 'app')).not.toBeNull();
      durations.push(timing(r.headers, 'auth')!);
    }
    const steady = durations.slice(5).sort((a, b) => a - b);
    console.log(`[session] ${kind}: auth;dur first ${durations[0].toFixed(2)} ms, steady median ${steady[steady.length >> 1].toFixed(2)} ms, p90 ${steady[Math.floor(steady.length * 0.9)].toFixed(2)} ms`);
    expect(durations.every((d) => Number.isFinite(d) && d >= 0)).toBe(true);
  });

  it('demotes an admin for their very next request when another admin changes the role in the app', async () => {
    const made = await admin.request('POST', '/api/users', { email: `second-admin-${kind}@tandem.local`, password: DEMO_PASSWORD, role: 'admin' });
    expect(made.status).toBe(200);
    const second = await new Client(server.url).login(`second-admin-${kind}@tandem.local`, DEMO_PASSWORD);
    expect((await second.request('GET', '/api/users')).status).toBe(200);
    expect((await admin.request('PATCH', `/api/users/${made.json.user.id}`, { role: 'user' })).status).toBe(200);
    expect((await second.request('GET', '/api/users')).status).toBe(403);
    expect((await second.request('GET', '/api/projects')).status).toBe(200);
  });

  it('refuses no cookie and a forged cookie with 401, in the one error shape', async () => {
    const anonymous = await new Client(server.url).request('GET', '/api/projects');
    expect(anonymous.status).toBe(401);
    const forged = await fetch(`${server.url}/api/projects`, { headers: { cookie: 'authjs.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..forged.forged.forged' } });
    expect(forged.status).toBe(401);
    expect((await forged.json()).error.code).toBe('unauthenticated');
  });
});
