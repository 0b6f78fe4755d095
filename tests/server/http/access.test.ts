import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import WebSocket from 'ws';
import { io as ioClient } from 'socket.io-client';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../../fixtures/tandem-server';
import { createPostgresDatabase, DATABASE_KINDS } from '../../fixtures/database';
import { Client } from '../../fixtures/http-client';
import { TMP_ROOT } from '../../fixtures/paths';

type Role = 'anonymous' | 'outsider' | 'annotator' | 'lead' | 'admin';
const ROLES: Role[] = ['anonymous', 'outsider', 'annotator', 'lead', 'admin'];

describe.each(DATABASE_KINDS)('a real server on %s', (kind) => {
  let server: TandemProcess;
  const clients = {} as Record<Role, Client>;
  let projectId: number;
  let itemId: number;

  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    // The matrix is hundreds of refusals on purpose, one caller after another: the refusal throttle
    // would answer 429 in their place (its own tests: refusal-throttle.test.ts).
    let env: Record<string, string> = { TANDEM_DEMO_LIMIT: '50', TANDEM_REFUSAL_LIMIT: '0' };
    if (kind === 'postgres') {
      const pg = await createPostgresDatabase();
      dropDatabase = pg.drop;
      env = { ...env, DATABASE_URL: pg.url };
    }
    server = await startTandem({ dataDir: path.join(TMP_ROOT, `http-access-${kind}`), port: await freePort(), env });
    clients.anonymous = new Client(server.url);
    clients.admin = await new Client(server.url).login('admin@tandem.local', DEMO_PASSWORD);
    clients.lead = await new Client(server.url).login('lead@tandem.local', DEMO_PASSWORD);
    clients.annotator = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    const made = await clients.admin.request('POST', '/api/users', { email: 'outsider@tandem.local', password: DEMO_PASSWORD });
    expect(made.status).toBe(200);
    clients.outsider = await new Client(server.url).login('outsider@tandem.local', DEMO_PASSWORD);
    const projects = await clients.admin.request('GET', '/api/projects');
    projectId = projects.json[0].id;
    const leases = await clients.lead.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 });
    itemId = leases.json.leases[0].itemId;
  }, 400_000);

  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await dropDatabase?.();
  });

  /** role × endpoint → the status each role gets. */
  const matrix: { name: string; call: (c: Client) => Promise<{ status: number }>; expect: Record<Role, number> }[] = [
    { name: 'GET /api/projects', call: (c) => c.request('GET', '/api/projects'), expect: { anonymous: 401, outsider: 200, annotator: 200, lead: 200, admin: 200 } },
    { name: 'POST /api/projects', call: (c) => c.request('POST', '/api/projects', { slug: `p-${Math.random().toString(36).slice(2, 8)}`, classes: ['a', 'b'] }), expect: { anonymous: 401, outsider: 403, annotator: 403, lead: 403, admin: 200 } },
    { name: 'POST leases', call: (c) => c.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 }), expect: { anonymous: 401, outsider: 404, annotator: 200, lead: 200, admin: 200 } },
    { name: 'GET progress', call: (c) => c.request('GET', `/api/projects/${projectId}/progress`), expect: { anonymous: 401, outsider: 404, annotator: 200, lead: 200, admin: 200 } },
    { name: 'GET members', call: (c) => c.request('GET', `/api/projects/${projectId}/members`), expect: { anonymous: 401, outsider: 404, annotator: 403, lead: 200, admin: 200 } },
    { name: 'PUT members', call: (c) => c.request('PUT', `/api/projects/${projectId}/members`, { userId: 2, role: 'lead' }), expect: { anonymous: 401, outsider: 404, annotator: 403, lead: 403, admin: 200 } },
    { name: 'PATCH settings', call: (c) => c.request('PATCH', `/api/projects/${projectId}/settings`, { retrainEvery: 20 }), expect: { anonymous: 401, outsider: 404, annotator: 403, lead: 200, admin: 200 } },
    { name: 'GET queue', call: (c) => c.request('GET', `/api/projects/${projectId}/queue`), expect: { anonymous: 401, outsider: 404, annotator: 403, lead: 200, admin: 200 } },
    { name: 'PATCH queue settings', call: (c) => c.request('PATCH', `/api/projects/${projectId}/queue`, { settings: { easyShare: 0.2 } }), expect: { anonymous: 401, outsider: 404, annotator: 403, lead: 200, admin: 200 } },
    { name: 'PATCH queue budget and targets', call: (c) => c.request('PATCH', `/api/projects/${projectId}/queue`, { budget: { projectBudget: null }, stopping: null }), expect: { anonymous: 401, outsider: 404, annotator: 403, lead: 403, admin: 200 } },
    { name: 'POST queue items', call: (c) => c.request('POST', `/api/projects/${projectId}/queue/items`, { action: 'clear', itemIds: [itemId] }), expect: { anonymous: 401, outsider: 404, annotator: 403, lead: 200, admin: 200 } },
    { name: 'POST queue pause', call: (c) => c.request('POST', `/api/projects/${projectId}/queue/pause`, {}), expect: { anonymous: 401, outsider: 404, annotator: 403, lead: 200, admin: 200 } },
    { name: 'POST queue resume', call: (c) => c.request('POST', `/api/projects/${projectId}/queue/resume`, {}), expect: { anonymous: 401, outsider: 404, annotator: 403, lead: 200, admin: 200 } },
    { name: 'POST queue resume clearing a stop', call: (c) => c.request('POST', `/api/projects/${projectId}/queue/resume`, { clearStop: true }), expect: { anonymous: 401, outsider: 404, annotator: 403, lead: 403, admin: 200 } },
    { name: 'GET queue holds', call: (c) => c.request('GET', `/api/projects/${projectId}/queue/holds`), expect: { anonymous: 401, outsider: 404, annotator: 403, lead: 200, admin: 200 } },
    {
      name: 'DELETE an annotator\'s lease',
      call: async (c) => {
        const held = await clients.annotator.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 });
        return c.request('DELETE', `/api/projects/${projectId}/leases/${held.json.leases[0].leaseId}`);
      },
      expect: { anonymous: 401, outsider: 404, annotator: 403, lead: 200, admin: 200 },
    },
    { name: 'GET /projects/:id/queue page', call: (c) => c.request('GET', `/projects/${projectId}/queue`), expect: { anonymous: 307, outsider: 404, annotator: 404, lead: 200, admin: 200 } },
    { name: 'GET /api/users', call: (c) => c.request('GET', '/api/users'), expect: { anonymous: 401, outsider: 403, annotator: 403, lead: 403, admin: 200 } },
    { name: 'POST /api/users', call: (c) => c.request('POST', '/api/users', { email: `u${Math.random().toString(36).slice(2, 8)}@x`, password: 'password123' }), expect: { anonymous: 401, outsider: 403, annotator: 403, lead: 403, admin: 200 } },
    { name: 'PATCH /api/users/:id', call: (c) => c.request('PATCH', '/api/users/3', { role: 'user' }), expect: { anonymous: 401, outsider: 403, annotator: 403, lead: 403, admin: 200 } },
    { name: 'GET item media', call: (c) => c.request('GET', `/api/items/${itemId}/media`), expect: { anonymous: 401, outsider: 404, annotator: 200, lead: 200, admin: 200 } },
    { name: 'POST undo', call: (c) => c.request('POST', `/api/projects/${projectId}/labels/undo`, {}), expect: { anonymous: 401, outsider: 404, annotator: 404, lead: 404, admin: 404 } },
    { name: 'GET /admin page', call: (c) => c.request('GET', '/admin'), expect: { anonymous: 307, outsider: 404, annotator: 404, lead: 404, admin: 200 } },
  ];

  describe('access matrix over HTTP', () => {
    for (const row of matrix) {
      it(`${row.name}: ${ROLES.map((r) => `${r} ${row.expect[r]}`).join(', ')}`, async () => {
        const got = {} as Record<Role, number>;
        for (const r of ROLES) got[r] = (await row.call(clients[r])).status;
        expect(got).toEqual(row.expect);
      });
    }

    it('answers every API error in the one error shape', async () => {
      const r = await clients.anonymous.request('GET', '/api/projects');
      expect(r.json).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
    });
  });

  describe('socket.io and Yjs check the session', () => {
    const connect = (c: Client) => ioClient(server.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: c.cookieHeader() }, reconnection: false });

    it('refuses a socket without a session', async () => {
      const s = connect(clients.anonymous);
      const err = await new Promise<Error>((resolve) => s.on('connect_error', resolve));
      expect(err.message).toMatch(/unauthenticated/);
      s.close();
    });

    it('lets a member subscribe to project progress, and not an outsider', async () => {
      for (const [role, ok] of [['annotator', true], ['outsider', false]] as const) {
        const s = connect(clients[role]);
        await new Promise<void>((resolve, reject) => { s.on('connect', () => resolve()); s.on('connect_error', reject); });
        const reply = await s.emitWithAck('subscribe', { projectId });
        if (ok) expect(reply).toMatchObject({ ok: true, data: { total: 50 } });
        else expect(reply).toMatchObject({ error: { code: 'not_found' } });
        const bad = await s.emitWithAck('subscribe', { projectId: 'x' });
        expect(bad).toMatchObject({ error: { code: 'bad_request' } });
        s.close();
      }
    });

    const upgrade = (c: Client, doc: string) => new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/yjs/${doc}`, { headers: { cookie: c.cookieHeader() } });
      ws.on('open', () => { ws.close(); resolve(101); });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });

    it('upgrades /yjs/item-<id> for members only', async () => {
      expect(await upgrade(clients.anonymous, `item-${itemId}`)).toBe(401);
      expect(await upgrade(clients.outsider, `item-${itemId}`)).toBe(404);
      expect(await upgrade(clients.annotator, `item-${itemId}`)).toBe(101);
      expect(await upgrade(clients.annotator, 'not-a-doc')).toBe(400);
    });
  });

  describe('bad input gets a 4xx with a message and changes nothing', () => {
    it('rejects malformed JSON, missing fields, wrong types and unknown classes', async () => {
      const c = clients.annotator;
      const base = `/api/projects/${projectId}/labels`;
      const cases: [string | undefined, unknown, number, RegExp][] = [
        ['{not json', undefined, 400, /not valid JSON/],
        [undefined, {}, 400, /leaseId/],
        [undefined, { leaseId: -1, itemId: 1, label: '1', clientKey: 'abcdefgh' }, 400, /leaseId/],
        [undefined, { leaseId: 1, itemId: 1, label: '1', clientKey: 'abcdefgh', extra: true }, 400, /extra/],
        [undefined, { leaseId: 99999999, itemId: 1, label: '1', clientKey: 'abcdefgh' }, 404, /lease/],
      ];
      for (const [raw, body, status, message] of cases) {
        const r = await c.request('POST', base, body, raw);
        expect(r.status, JSON.stringify(body ?? raw)).toBe(status);
        expect(r.json.error.message).toMatch(message);
      }
      const { json } = await c.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 });
      const l = json.leases[0];
      const wrong = await c.request('POST', base, { leaseId: l.leaseId, itemId: l.itemId, label: 'eleven', clientKey: 'abcdefgh-1' });
      expect(wrong.status).toBe(400);
      expect(wrong.json.error.message).toMatch(/not a class/);
      const progress = await c.request('GET', `/api/projects/${projectId}/progress`);
      expect(progress.json.mine).toBe(0);
    });

    it('refuses bad queue controls with a 400 naming the problem, changing nothing', async () => {
      const before = (await clients.admin.request('GET', `/api/projects/${projectId}/queue`)).json;
      const cases: [string, string, unknown, RegExp][] = [
        ['PATCH', '/queue', { settings: { easyShare: 1.5 } }, /easyShare/],
        ['PATCH', '/queue', { settings: { easyShare: 0.7, overlapShare: 0.5 } }, /at most 1/],
        ['PATCH', '/queue', { settings: { strategy: 'telepathy' } }, /unknown strategy/],
        ['PATCH', '/queue', { budget: { projectBudget: -5 } }, /negative/],
        ['PATCH', '/queue', { stopping: { metric: { atLeast: 2 } } }, /at most 1/],
        ['POST', '/queue/items', { action: 'pin', itemIds: [itemId, 99_999_999] }, /99999999/],
        ['POST', '/queue/items', { action: 'shuffle', itemIds: [itemId] }, /action/],
      ];
      for (const [method, path, body, message] of cases) {
        const r = await clients.admin.request(method, `/api/projects/${projectId}${path}`, body);
        expect(r.status, JSON.stringify(body)).toBe(400);
        expect(r.json.error.message, JSON.stringify(body)).toMatch(message);
      }
      const after = (await clients.admin.request('GET', `/api/projects/${projectId}/queue`)).json;
      expect({ ...after, budget: { ...after.budget, open: 0 } }).toEqual({ ...before, budget: { ...before.budget, open: 0 } });
    });

    it('answers unknown API paths and bad path parameters with JSON 4xx', async () => {
      expect((await clients.admin.request('GET', '/api/nope')).status).toBe(404);
      expect((await clients.admin.request('GET', '/api/projects/abc/progress')).status).toBe(400);
      expect((await clients.admin.request('GET', '/api/items/0/media')).status).toBe(400);
    });
  });
});
