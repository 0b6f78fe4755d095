import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runWorker } from '../../workers/trainer/main';
import { createLogger } from '../../server/log';
import { Client } from '../fixtures/http-client';
import { ROOT, TMP_ROOT } from '../fixtures/paths';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';

/**
 * The trainer worker against a real `tandem start` (demo project, 300 real
 * digits): it speaks only the worker protocol over HTTP, and the queue the
 * annotators see follows the rankings it pushes.
 */
describe('trainer worker against a running server', () => {
  let server: TandemProcess;
  let token: string;
  let annotator: Client;
  let admin: Client;
  let projectId: number;
  const log = createLogger('silent', 'trainer');
  const cacheDir = path.join(TMP_ROOT, 'trainer-it-cache');

  const worker = (path: string, init: { method?: string; body?: string; token?: string } = {}) =>
    fetch(`${server.url}/api/worker/v1${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${init.token ?? token}`, 'content-type': 'application/json' },
      body: init.body,
    }).then(async (r) => ({ status: r.status, json: await r.json() as any }));

  async function labelSome(n: number): Promise<number[]> {
    const done: number[] = [];
    while (done.length < n) {
      const { json } = await annotator.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 });
      const [lease] = json.leases;
      const r = await annotator.request('POST', `/api/projects/${projectId}/labels`, {
        leaseId: lease.leaseId, itemId: lease.itemId, label: String(done.length % 10), clientKey: `trainer-it-${lease.itemId}-${done.length}`,
      });
      expect(r.status).toBe(200);
      done.push(lease.itemId);
    }
    return done;
  }

  const model = async () => (await admin.request('GET', `/api/projects/${projectId}/model`)).json;

  async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    const dataDir = path.join(TMP_ROOT, 'trainer-it');
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
    server = await startTandem({ dataDir, port: await freePort(), env: { TANDEM_RETRAIN_EVERY: '10', TANDEM_RETRAIN_SECONDS: '3600' } });
    const made = spawnSync(process.execPath, [path.join(ROOT, 'bin/tandem.mjs'), 'worker', 'token', 'create', '--name', 'it-trainer'], {
      env: { ...process.env, TANDEM_DATA: dataDir, DATABASE_URL: '' }, encoding: 'utf8', timeout: 60_000,
    });
    expect(made.status, made.stderr).toBe(0);
    token = made.stdout.trim().split('\n').pop()!;
    expect(token).toMatch(/^tdw_/);
    annotator = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    admin = await new Client(server.url).login('admin@tandem.local', DEMO_PASSWORD);
    projectId = (await admin.request('GET', '/api/projects')).json[0].id;
  }, 200_000);

  afterAll(async () => { await server?.stop(); });

  it('refuses a wrong token and a bad claim with a 4xx and a message', async () => {
    const bad = await worker('/jobs/claim', { method: 'POST', token: 'tdw_nope', body: JSON.stringify({ worker: 'x', backends: [], protocol: 1 }) });
    expect(bad.status).toBe(401);
    expect(bad.json.error.message).toMatch(/token/i);
    const wrongVersion = await worker('/jobs/claim', { method: 'POST', body: JSON.stringify({ worker: 'x', backends: [], protocol: 99 }) });
    expect(wrongVersion.status).toBe(400);
    expect(wrongVersion.json.error.message).toBeTruthy();
    const notJson = await worker('/jobs/claim', { method: 'POST', body: '{"worker":' });
    expect(notJson.status).toBe(400);
  });

  it('serves media in batches, naming ids that are not in the project', async () => {
    const { json: page } = await worker(`/projects/${projectId}/items?limit=3`);
    const ids = page.items.map((i: { id: number }) => i.id);
    const batch = await worker(`/projects/${projectId}/media?ids=${ids.join(',')},987654`);
    expect(batch.status).toBe(200);
    expect(batch.json.media.map((m: { id: number }) => m.id).sort()).toEqual([...ids].sort());
    expect(Buffer.from(batch.json.media[0].data, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(batch.json.missing).toEqual([987654]);
    for (const bad of ['', 'x', '1,-2', Array.from({ length: 501 }, (_, i) => i + 1).join(',')]) {
      const r = await worker(`/projects/${projectId}/media?ids=${bad}`);
      expect(r.status, bad.slice(0, 20)).toBe(400);
      expect(r.json.error.message).toMatch(/ids/);
    }
  });

  it('trains on the labels, pushes a ranking the queue deals from, and re-ranks after more labels', async () => {
    expect((await model()).job).toBeNull(); // nothing is due before 10 labels
    await labelSome(10);
    const queued = await until('a queued job', async () => { const m = await model(); return m.job?.state === 'queued' && m; });
    expect(queued.ranking).toBeNull();

    // A job claimed by hand gets bad uploads refused, and nothing changes.
    const { json: claimed } = await worker('/jobs/claim', { method: 'POST', body: JSON.stringify({ worker: 'by-hand', backends: ['cpu'], protocol: 1 }) });
    const job = claimed.job;
    expect(job.labelCount).toBe(10);
    const foreign = await worker(`/jobs/${job.id}/ranking`, { method: 'POST', body: JSON.stringify({ index: 0, total: 1, entries: [{ itemId: 987654, score: 1, predicted: '1', confidence: 0.5 }] }) });
    expect(foreign.status).toBe(400);
    expect(foreign.json.error.message).toMatch(/987654/);
    const nan = await worker(`/jobs/${job.id}/ranking`, { method: 'POST', body: '{"index":0,"total":1,"entries":[{"itemId":1,"score":NaN,"predicted":"1","confidence":0.5}]}' });
    expect(nan.status).toBe(400);
    const truncated = await worker(`/jobs/${job.id}/complete`, {
      method: 'POST', body: JSON.stringify({ labelCount: 10, backend: 'cpu', model: 'm', strategy: 'auto', metrics: null, chunks: 2, seconds: 1 }),
    });
    expect(truncated.status).toBeGreaterThanOrEqual(400);
    expect(truncated.status).toBeLessThan(500);
    expect((await model()).ranking).toBeNull();
    expect((await worker(`/jobs/${job.id}/fail`, { method: 'POST', body: JSON.stringify({ reason: 'stopped by the test' }) })).status).toBe(200);

    // The real worker re-claims the job and completes it.
    await runWorker({ server: server.url, token, maxJobs: 1, idleSeconds: 0.2, log, cacheDir });
    const first = await model();
    // What a restarted trainer starts from: the thumbnails and the features on disk.
    const cached = fs.readdirSync(cacheDir).flatMap((d) => fs.readdirSync(path.join(cacheDir, d)));
    expect(cached).toContain('pixels.bin');
    expect(cached.some((f) => f.startsWith('features-'))).toBe(true);
    expect(first.ranking).toMatchObject({ labelCount: 10, behind: 0 });
    expect(first.model.backend).toMatch(/cpu/);
    expect(first.job).toMatchObject({ state: 'done', attempts: 2 });
    expect(first.next).toHaveLength(10);

    // The annotator is dealt the model's picks (holdout items are mixed in by the queue, so compare with the head).
    const { json: dealt } = await annotator.request('POST', `/api/projects/${projectId}/leases`, { hold: 3 });
    const head = new Set(first.next.map((e: { itemId: number }) => e.itemId));
    expect(dealt.leases.some((l: { itemId: number }) => head.has(l.itemId))).toBe(true);

    await labelSome(10);
    await until('the second job', async () => (await model()).job?.state === 'queued');
    await runWorker({ server: server.url, token, maxJobs: 1, idleSeconds: 0.2, log, cacheDir });
    const second = await model();
    expect(second.ranking.id).toBeGreaterThan(first.ranking.id);
    expect(second.ranking.labelCount).toBe(20);
    expect(second.curve.length).toBe(2);
    expect(second.next.map((e: { itemId: number }) => e.itemId)).not.toEqual(first.next.map((e: { itemId: number }) => e.itemId));
  }, 120_000);
});
