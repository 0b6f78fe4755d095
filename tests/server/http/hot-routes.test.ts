import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../../fixtures/tandem-server';
import { Client } from '../../fixtures/http-client';
import { TMP_ROOT } from '../../fixtures/paths';

/**
 * The claim and the label are answered by the custom server before Next.js
 * (server/http/hot-routes.ts). Same contract as every other route: the
 * session, the schemas, the one error shape, Server-Timing with the claim's
 * phases; a body too large or not JSON is a 400, never a crash.
 */
describe('the hot routes (claim, label) answered by the custom server', () => {
  let server: TandemProcess;
  let ann: Client;
  let projectId: number;

  beforeAll(async () => {
    server = await startTandem({ dataDir: path.join(TMP_ROOT, 'http-hot-routes'), port: await freePort(), env: { TANDEM_DEMO_LIMIT: '40' } });
    ann = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    projectId = (await ann.request('GET', '/api/projects')).json[0].id;
  }, 400_000);
  afterAll(async () => { expect(await server?.stop()).toBe(0); });

  it('claims with the session cookie and says where the time went (Server-Timing)', async () => {
    const r = await ann.request('POST', `/api/projects/${projectId}/leases?via=test`, { hold: 2 });
    expect(r.status).toBe(200);
    expect(r.json.leases).toHaveLength(2);
    expect(r.json.queue.state).toBe('open');
    const timing = r.headers.get('server-timing') ?? '';
    for (const phase of ['auth', 'app', 'access', 'read', 'deal', 'commit']) expect(timing).toMatch(new RegExp(`(^|, )${phase};dur=\\d+\\.\\d\\d`));
  });

  it('labels, acknowledging only the committed label', async () => {
    const [l] = (await ann.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 })).json.leases;
    const r = await ann.request('POST', `/api/projects/${projectId}/labels`, { leaseId: l.leaseId, itemId: l.itemId, label: '3', clientKey: 'hot-route-label-1' });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ committed: true, annotationId: expect.any(Number) });
  });

  it('answers bad requests with the one error shape, as Next-served routes do', async () => {
    const anonymous = new Client(server.url);
    const cases: [Client, string, string | undefined, unknown, number, RegExp][] = [
      [anonymous, `/api/projects/${projectId}/leases`, undefined, { hold: 1 }, 401, /log in first/],
      [ann, `/api/projects/${projectId}/leases`, '{"hold": 1', undefined, 400, /not valid JSON/],
      [ann, `/api/projects/${projectId}/leases`, undefined, { hold: 'many' }, 400, /bad body: hold/],
      [ann, '/api/projects/abc/leases', undefined, { hold: 1 }, 400, /bad path: projectId/],
      [ann, `/api/projects/${projectId}/labels`, undefined, { leaseId: 1, itemId: 1, label: '3', clientKey: 'x', extra: true }, 400, /bad body/],
      [ann, `/api/projects/${projectId}/labels`, JSON.stringify({ pad: 'x'.repeat(1_100_000) }), undefined, 413, /larger than this route accepts \(1 MiB\)/],
      [ann, '/api/projects/999999/leases', undefined, { hold: 1 }, 404, /does not exist or you are not a member/],
    ];
    for (const [client, url, raw, body, status, why] of cases) {
      const r = await client.request('POST', url, body, raw);
      expect(r.status, url).toBe(status);
      expect(r.json?.error?.message, url).toMatch(why);
      expect(Object.keys(r.json)).toEqual(['error']);
    }
    // Still serving.
    expect((await ann.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 })).status).toBe(200);
  });

  it('leaves other methods and paths to Next.js', async () => {
    const r = await ann.request('GET', `/api/projects/${projectId}/leases`);
    expect(r.status).toBe(405);
  });
});
