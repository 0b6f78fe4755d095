import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../../fixtures/tandem-server';
import { Client } from '../../fixtures/http-client';
import { runTandemCli } from '../../fixtures/cli';
import { TMP_ROOT } from '../../fixtures/paths';
import { DEFAULT_REFUSAL_LIMIT } from '../../../lib/http/refusal-budget';

/**
 * The refusal throttle of a real server at its default (20 refusals in a
 * burst, one every 3 s after): a caller who keeps sending what is refused is
 * answered 429 before anything of theirs is read, and nobody else notices,
 * not even someone at the same address.
 */
const dataDir = path.join(TMP_ROOT, 'refusal-throttle');
let server: TandemProcess;
let abuser: Client;
let teammate: Client;
let projectId: number;
let workerToken: string;

beforeAll(async () => {
  server = await startTandem({ dataDir, port: await freePort(), env: { TANDEM_DEMO_LIMIT: '20' } });
  abuser = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
  teammate = await new Client(server.url).login('ann2@tandem.local', DEMO_PASSWORD);
  projectId = ((await abuser.request('GET', '/api/projects')).json as { id: number }[])[0].id;
  const minted = await runTandemCli(dataDir, ['worker', 'token', 'create', '--name', 'throttle']);
  expect(minted.code, minted.err).toBe(0);
  workerToken = minted.out.trim().split('\n').pop()!.trim();
}, 180_000);
afterAll(async () => { await server?.stop(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends `send` until it is answered 429 (at most `max` times); the statuses before it, and the 429. */
async function untilThrottled(send: () => Promise<Response>, max = 120) {
  const before: number[] = [];
  for (let i = 0; i < max; i++) {
    const res = await send();
    const text = await res.text();
    if (res.status === 429) return { before, res, body: JSON.parse(text) as { error: { code: string; message: string } } };
    before.push(res.status);
  }
  throw new Error(`no 429 after ${max} requests: ${[...new Set(before)].join(', ')}`);
}

const post = (p: string, headers: Record<string, string>, body: unknown) =>
  fetch(server.url + p, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('a caller whose requests keep being refused', () => {
  it('is answered 429 with Retry-After after the burst, what they send then is not read, and a teammate at the same address goes on', async () => {
    const [lease] = (await abuser.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 })).json.leases as { leaseId: number; itemId: number }[];
    const classes = ((await abuser.request('GET', '/api/projects')).json as { id: number; classes: string[] }[])[0].classes;

    const t = await untilThrottled(() => post(`/api/projects/${projectId}/labels`, { cookie: abuser.cookieHeader() }, { leaseId: 'x' }));
    expect(t.before.length).toBeGreaterThanOrEqual(DEFAULT_REFUSAL_LIMIT);
    expect(t.before.length).toBeLessThan(DEFAULT_REFUSAL_LIMIT + 10); // the burst, and what refilled while it was sent
    expect(new Set(t.before)).toEqual(new Set([400]));
    expect(t.body.error.code).toBe('rate_limited');
    expect(t.body.error.message).toMatch(/try again in \d+ s/);
    expect(Number(t.res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // A valid label now is refused before it is read: it is not committed.
    const label = { leaseId: lease.leaseId, itemId: lease.itemId, label: classes[0] };
    expect((await abuser.request('POST', `/api/projects/${projectId}/labels`, { ...label, clientKey: 'while-throttled' })).status).toBe(429);
    expect((await teammate.request('GET', `/api/projects/${projectId}/progress`)).status).toBe(200);
    expect((await teammate.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 })).status).toBe(200);

    // Once a refusal has refilled, the abuser is read again; the lease was still open (a committed label would make this a 409).
    await sleep(Number(t.res.headers.get('retry-after')) * 1000 + 100);
    const after = await abuser.request('POST', `/api/projects/${projectId}/labels`, { ...label, clientKey: 'after-the-wait' });
    expect(after.status, JSON.stringify(after.json)).toBe(200);
  });

  it('shares its address\'s budget when its credentials are forged; a real session or worker token at that address is still read, and so are logins and the CLI', async () => {
    const forged = await untilThrottled(() => post(`/api/projects/${projectId}/leases`, { cookie: 'authjs.session-token=not-a-token' }, { hold: 1 }));
    expect(new Set(forged.before)).toEqual(new Set([401]));
    // The same address, another forgery: the address's budget is spent.
    expect((await post('/api/worker/v1/jobs/claim', { authorization: 'Bearer forged-token' }, { worker: 'x' })).status).toBe(429);
    expect((await fetch(`${server.url}/api/projects`)).status).toBe(429);

    // Someone logging in now (a session never seen before) is read, and so is an issued worker token.
    const newcomer = await new Client(server.url).login('admin@tandem.local', DEMO_PASSWORD);
    expect((await newcomer.request('GET', `/api/projects/${projectId}/progress`)).status).toBe(200);
    const worker = await fetch(`${server.url}/api/worker/v1/projects/${projectId}/items`, { headers: { authorization: `Bearer ${workerToken}` } });
    expect(worker.status).toBe(200);
    const cli = await runTandemCli(dataDir, ['worker', 'token', 'list']);
    expect(cli.code, cli.err).toBe(0);
    expect(cli.out).toContain('throttle');
  });
});
