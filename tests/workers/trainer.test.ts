import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TRUST_ACCURACY } from '../../lib/al/coldstart';
import { runWorker } from '../../workers/trainer/main';
import { createLogger } from '../../server/log';
import { Client } from '../fixtures/http-client';
import { ROOT, TMP_ROOT } from '../fixtures/paths';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';
import { until } from '../fixtures/until';

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


  beforeAll(async () => {
    const dataDir = path.join(TMP_ROOT, 'trainer-it');
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
    server = await startTandem({ dataDir, port: await freePort(), env: { TANDEM_RETRAIN_EVERY: '10', TANDEM_RETRAIN_SECONDS: '3600' } });
    const made = spawnSync(process.execPath, [path.join(ROOT, 'bin/tandem.mjs'), 'worker', 'token', 'create', '--name', 'it-trainer', '--projects', 'mnist-demo'], {
      env: { ...process.env, TANDEM_DATA: dataDir, DATABASE_URL: '' }, encoding: 'utf8', timeout: 180_000,
    });
    expect(made.status, made.stderr).toBe(0);
    token = made.stdout.trim().split('\n').pop()!;
    expect(token).toMatch(/^tdw_/);
    annotator = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    admin = await new Client(server.url).login('admin@tandem.local', DEMO_PASSWORD);
    projectId = (await admin.request('GET', '/api/projects')).json[0].id;
  }, 400_000);

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

  it('refuses bad embedding uploads with a 4xx and a message, storing nothing', async () => {
    const { json: page } = await worker(`/projects/${projectId}/items?limit=2`);
    const [a, b] = page.items.map((i: { id: number }) => i.id);
    const put = (body: string, token?: string) => worker(`/projects/${projectId}/embeddings`, { method: 'PUT', body, token });
    const chunk = (items: unknown[], dim = 2) => JSON.stringify({ space: 'test:bad', dim, items });
    const bad: [string, Awaited<ReturnType<typeof put>>, number, RegExp][] = [
      ['wrong token', await put(chunk([{ itemId: a, vector: [1, 2] }]), 'tdw_nope'), 401, /token/],
      ['foreign ids', await put(chunk([{ itemId: a, vector: [1, 2] }, { itemId: 987654, vector: [1, 2] }])), 400, /987654/],
      ['NaN', await put(`{"space":"test:bad","dim":2,"items":[{"itemId":${a},"vector":[NaN,1]}]}`), 400, /JSON/],
      ['Infinity', await put(`{"space":"test:bad","dim":2,"items":[{"itemId":${a},"vector":[1e999,1]}]}`), 400, new RegExp(`item ${a}: value 0 is Infinity`)],
      ['float32 overflow', await put(chunk([{ itemId: a, vector: [1e39, 1] }])), 400, new RegExp(`item ${a}: value 0`)],
      ['wrong dim', await put(chunk([{ itemId: a, vector: [1, 2] }, { itemId: b, vector: [1, 2, 3] }])), 400, new RegExp(`item ${b}: has 3 values, not dim 2`)],
      ['truncated chunk', await put(chunk([{ itemId: a, vector: [1, 2] }, { itemId: b, vector: [3, 4] }]).slice(0, 60)), 400, /truncated/],
      ['truncated base64', await put(chunk([{ itemId: a, vector: 'AACAPwAA' }])), 400, /6 bytes, not whole float32s/],
      ['bad space', await worker(`/projects/${projectId}/embeddings?space=no%20spaces`), 400, /space/],
    ];
    for (const [what, r, status, msg] of bad) {
      expect(r.status, what).toBe(status);
      expect(r.json.error.message, what).toMatch(msg);
    }
    const have = await worker(`/projects/${projectId}/embeddings?space=test:bad`);
    expect(have).toEqual({ status: 200, json: { space: 'test:bad', count: 0, dim: null } });
    // The same chunk, well formed, is stored (POST works as PUT), and sending it again overwrites it.
    for (let i = 0; i < 2; i++) {
      const ok = await worker(`/projects/${projectId}/embeddings`, { method: 'POST', body: chunk([{ itemId: a, vector: [1, 2] }, { itemId: b, vector: 'AACAPwAAAEA=' }]) });
      expect(ok).toEqual({ status: 200, json: { stored: 2, count: 2 } });
    }
  });

  it('ranks before any label, trains on the labels, pushes a ranking the queue deals from, and re-ranks after more labels', async () => {
    // auto's first batches come from the embeddings alone: the first job is queued at import, with no label.
    await until('the first job', async () => { const m = await model(); return m.job?.state === 'queued' && m; });
    await runWorker({ server: server.url, token, maxJobs: 1, idleSeconds: 0.2, log, cacheDir });
    const zero = await model();
    expect(zero.ranking).toMatchObject({ labelCount: 0 });
    // No model yet, so no guesses to show; the first items dealt are the trainer's picks, in its order.
    expect(zero.next.length).toBeGreaterThanOrEqual(3);
    for (const e of zero.next) expect(e).toMatchObject({ predicted: null, confidence: null, uncertainty: null });
    const { json: opening } = await annotator.request('POST', `/api/projects/${projectId}/leases`, { hold: 3 });
    const cold = opening.leases.filter((l: { stream: string }) => l.stream !== 'holdout');
    expect(cold.length).toBeGreaterThan(0);
    expect(cold.every((l: { stream: string }) => l.stream === 'cold')).toBe(true);
    expect(cold.map((l: { itemId: number }) => l.itemId)).toEqual(zero.next.slice(0, cold.length).map((e: { itemId: number }) => e.itemId));

    await labelSome(10);
    const queued = await until('a queued job', async () => { const m = await model(); return m.job?.state === 'queued' && m; });
    expect(queued.ranking).toMatchObject({ labelCount: 0 });

    // A job claimed by hand gets bad uploads refused, and nothing changes.
    const { json: claimed } = await worker('/jobs/claim', { method: 'POST', body: JSON.stringify({ worker: 'by-hand', backends: ['cpu'], protocol: 1 }) });
    const job = claimed.job;
    expect(job.labelCount).toBe(10);
    const foreign = await worker(`/jobs/${job.id}/ranking`, { method: 'POST', body: JSON.stringify({ index: 0, total: 1, entries: [{ itemId: 987654, score: 1, predicted: '1', confidence: 0.5 }] }) });
    expect(foreign.status).toBe(400);
    expect(foreign.json.error.message).toMatch(/987654/);
    const nan = await worker(`/jobs/${job.id}/ranking`, { method: 'POST', body: '{"index":0,"total":1,"entries":[{"itemId":1,"score":NaN,"predicted":"1","confidence":0.5}]}' });
    expect(nan.status).toBe(400);
    const { json: { items: some } } = await worker(`/projects/${projectId}/items?limit=2`);
    for (const uncertainty of [1.5, -0.2, '0.5']) {
      const entries = some.map((it: { id: number }, i: number) => ({ itemId: it.id, score: 1, predicted: '1', confidence: 0.5, ...(i === 1 ? { uncertainty } : {}) }));
      const bad = await worker(`/jobs/${job.id}/ranking`, { method: 'POST', body: JSON.stringify({ index: 0, total: 1, entries }) });
      expect(bad.status, String(uncertainty)).toBe(400);
      expect(bad.json.error.message).toMatch(/entries\.1\.uncertainty/);
    }
    const truncated = await worker(`/jobs/${job.id}/complete`, {
      method: 'POST', body: JSON.stringify({ labelCount: 10, backend: 'cpu', model: 'm', strategy: 'auto', metrics: null, chunks: 2, seconds: 1 }),
    });
    expect(truncated.status).toBeGreaterThanOrEqual(400);
    expect(truncated.status).toBeLessThan(500);
    expect((await model()).ranking).toMatchObject({ labelCount: 0 });
    expect((await worker(`/jobs/${job.id}/fail`, { method: 'POST', body: JSON.stringify({ reason: 'stopped by the test' }) })).status).toBe(200);

    // The real worker re-claims the job and completes it.
    await runWorker({ server: server.url, token, maxJobs: 1, idleSeconds: 0.2, log, cacheDir });
    const first = await model();
    // What a restarted trainer starts from: the thumbnails and the features on disk.
    const cached = fs.readdirSync(cacheDir).flatMap((d) => fs.readdirSync(path.join(cacheDir, d)));
    expect(cached).toContain('pixels.bin');
    expect(cached.some((f) => f.startsWith('features-'))).toBe(true);
    expect(first.ranking).toMatchObject({ labelCount: 10, behind: 0 });
    expect(first.model.backend).toMatch(/^label spreading \(typed arrays\) \+ tfjs .* wasm \(cpu, simd\) MC-dropout head$/);
    expect(first.job).toMatchObject({ state: 'done', attempts: 2 });
    expect(first.next).toHaveLength(10);
    // Every entry came with its uncertainty: the histogram holds every open item of the ranking, none without a value.
    for (const e of first.next) expect(e.uncertainty).toBeGreaterThanOrEqual(0);
    for (const e of first.next) expect(e.uncertainty).toBeLessThanOrEqual(1);
    expect(first.uncertainty.bins).toHaveLength(10);
    expect(first.uncertainty.unknown).toBe(0);
    const { json: { items: now } } = await worker(`/projects/${projectId}/items?limit=10000`);
    const openPool = now.filter((it: { split: string; status: string }) => it.split === 'pool' && it.status === 'open').length;
    expect(first.uncertainty.bins.reduce((a: number, b: number) => a + b, 0)).toBe(openPool);
    // The model page draws it: ten bars and a title that counts the open items.
    const page = await admin.request('GET', `/projects/${projectId}/model`);
    expect(page.status).toBe(200);
    const figure = String(page.json).match(/<figure[^>]*data-testid="uncertainty-histogram"[\s\S]*?<\/figure>/)?.[0] ?? '';
    expect(figure.match(/<rect /g)).toHaveLength(10);
    expect(figure).toContain(`Model uncertainty over ${openPool} open items`);
    // The trainer shared its features: every item has a vector in the space the applied ranking names.
    const { json: { items: all } } = await worker(`/projects/${projectId}/items?limit=10000`);
    // 300 digits: below UMAP_MIN_ITEMS, PCA-50 alone.
    expect(first.ranking.embeddingSpace).toMatch(/^pca50:[0-9a-f]{16}$/);
    expect((await worker(`/projects/${projectId}/embeddings?space=${first.ranking.embeddingSpace}`)).json)
      .toEqual({ space: first.ranking.embeddingSpace, count: all.length, dim: 50 });
    // Spaces no ranking names any more (the test's own above) are gone.
    expect((await worker(`/projects/${projectId}/embeddings?space=test:bad`)).json.count).toBe(0);

    // 10 labels are too few to trust the model's uncertainty (lib/al uncertaintyTrusted): the queue deals cold.
    const { json: dealt } = await annotator.request('POST', `/api/projects/${projectId}/leases`, { hold: 3 });
    expect(dealt.leases.length).toBeGreaterThan(0);
    expect(dealt.leases.some((l: { stream: string }) => l.stream === 'uncertain')).toBe(false);

    // 20 more, then rounds of ten (one of each class) until every class has 3 labels in the pool: past auto's count
    // rules (20 labels, lib/al MIN_PER_CLASS a class) even with the holdout's share taken out.
    await labelSome(20);
    const fewestInPool = async () => {
      const [{ json: { items: all } }, { json: { labels: given } }] = await Promise.all([worker(`/projects/${projectId}/items?limit=10000`), worker(`/projects/${projectId}/labels?limit=10000`)]);
      const inPool = new Set(all.filter((it: { split: string }) => it.split === 'pool').map((it: { id: number }) => it.id));
      const perClass = new Map<string, number>();
      for (const l of given as { itemId: number; label: string }[]) if (inPool.has(l.itemId)) perClass.set(l.label, (perClass.get(l.label) ?? 0) + 1);
      return Math.min(...Array.from({ length: 10 }, (_, c) => perClass.get(String(c)) ?? 0));
    };
    for (let round = 0; (await fewestInPool()) < 3; round++) {
      expect(round, 'rounds of ten labels to give every class 3 in the pool').toBeLessThan(5);
      await labelSome(10);
    }
    const total = (await model()).labels;
    await until('the second job', async () => (await model()).job?.state === 'queued');
    await runWorker({ server: server.url, token, maxJobs: 1, idleSeconds: 0.2, log, cacheDir });
    const second = await model();
    expect(second.ranking.id).toBeGreaterThan(first.ranking.id);
    expect(second.ranking.labelCount).toBe(total);
    // The version before any label has nothing to measure; the two trained ones do.
    expect(second.curve.map((p: { labels: number }) => p.labels)).toEqual([0, 10, total]);
    expect(second.curve[0].accuracy).toBeUndefined();
    const trained = second.curve.slice(1);
    // Each version reports the pool's mean uncertainty, for the uncertainty-plateau stopping rule.
    for (const point of trained) expect(point.meanUncertainty).toBeGreaterThanOrEqual(0);
    for (const point of trained) expect(point.meanUncertainty).toBeLessThanOrEqual(1);
    expect(second.next.map((e: { itemId: number }) => e.itemId)).not.toEqual(first.next.map((e: { itemId: number }) => e.itemId));
    // Each version says whether its uncertainty predicts its errors, and the second how its ranking moved.
    const evidence = second.model.metrics;
    if (evidence.uncertaintyAuroc !== null) expect(evidence.uncertaintyAuroc).toBeGreaterThanOrEqual(0);
    expect(evidence.reliability).toHaveLength(15);
    // Which candidate head made the version, and the cross-validation behind the pick (lib/model/heads.ts).
    expect(['spreading', 'logistic-embedding', 'logistic-pixels']).toContain(evidence.head.head);
    expect(['cv', 'reused', 'too-few-labels']).toContain(evidence.head.reason);
    if (evidence.head.reason !== 'too-few-labels') expect(evidence.head.scores.map((s: { head: string }) => s.head)).toEqual(['spreading', 'logistic-embedding', 'logistic-pixels']);
    // The first trained version has no model before it to compare with (the ranking before any label had none).
    expect(second.curve[1].churn.topOverlap).toBeNull();
    expect(evidence.churn.topOverlap).toBeGreaterThanOrEqual(0);
    expect(evidence.churn.rankCorrelation).toBeGreaterThanOrEqual(-1);
    const modelPage = String((await admin.request('GET', `/projects/${projectId}/model`)).json);
    expect(modelPage).toContain('data-testid="model-evidence"');
    expect(modelPage).toContain('data-testid="reliability-diagram"');
    expect(modelPage).toContain('data-testid="model-heads"');
    expect(modelPage).toContain(`data-head="${evidence.head.head}"`);
    expect(modelPage).toMatch(evidence.uncertaintyAuroc === null ? /data-verdict="unknown"/ : evidence.uncertaintyAuroc >= 0.6 ? /data-verdict="informative"/ : /evidence-recommendation/);
    // Same items, same features (from the disk cache): the same space, uploaded once.
    expect(second.ranking.embeddingSpace).toBe(first.ranking.embeddingSpace);

    // Those labels would do for the counts, but they are arbitrary (the i-th label given is i mod 10, whatever the digit): the
    // trainer measures that the model cannot predict its own labels, keeps auto's low-budget phase and says so,
    // and the queue follows what it recorded — another annotator is dealt cold items, no uncertain ones.
    expect(evidence.autoPhase).toBe('cold-start');
    expect(evidence.labeledAccuracy).toBeLessThan(TRUST_ACCURACY);
    expect(modelPage).toContain('of its own labels in cross-validation');
    const other = await new Client(server.url).login('ann2@tandem.local', DEMO_PASSWORD);
    const { json: picks } = await other.request('POST', `/api/projects/${projectId}/leases`, { hold: 5 });
    expect(picks.leases.length).toBeGreaterThan(0);
    expect(picks.leases.some((l: { stream: string }) => l.stream === 'uncertain')).toBe(false);
  }, 300_000);
});
