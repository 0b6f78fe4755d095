import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runWorker } from '../../workers/trainer/main';
import { createLogger } from '../../server/log';
import { Client } from '../fixtures/http-client';
import { createPostgresDatabase, DATABASE_KINDS } from '../fixtures/database';
import { ROOT, TMP_ROOT } from '../fixtures/paths';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';
import { until as untilFixture } from '../fixtures/until';

/**
 * A keypoint project (the poses demo of a real `tandem start`) and Tandem's own trainer: with no
 * keypoint model, the trainer claims the project's job anyway, orders the open pool by diversity
 * over the image embeddings and sends that ranking with no guesses and no metrics; the queue
 * deals in its order, and the model page says how items are ordered without showing an
 * accuracy or an uncertainty nothing computed.
 */
describe.each(DATABASE_KINDS)('a keypoint project ranked by diversity on %s', (kind) => {
  let server: TandemProcess;
  let dataDir: string;
  let databaseUrl = '';
  let dropDatabase: (() => Promise<void>) | undefined;
  let token: string;
  let lead: Client;
  let annotator: Client;
  let projectId: number;
  const log = createLogger('silent', 'trainer');

  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/tandem.mjs'), ...args], {
      env: { ...process.env, TANDEM_DATA: dataDir, DATABASE_URL: databaseUrl }, encoding: 'utf8', timeout: 180_000,
    });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.trim().split('\n');
  };
  const model = async () => (await lead.request('GET', `/api/projects/${projectId}/model`)).json;
  const until = <T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 60_000) => untilFixture(what, probe, ms);

  beforeAll(async () => {
    let env: Record<string, string> = { TANDEM_DEMO_LIMIT: '20', TANDEM_DEMO_POSES: '12', TANDEM_RETRAIN_EVERY: '50', TANDEM_RETRAIN_SECONDS: '3600' };
    if (kind === 'postgres') {
      const pg = await createPostgresDatabase();
      dropDatabase = pg.drop;
      databaseUrl = pg.url;
      env = { ...env, DATABASE_URL: pg.url };
    }
    dataDir = path.join(TMP_ROOT, `train-diversity-${kind}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    server = await startTandem({ dataDir, port: await freePort(), env });
    // Raw pixels keep the test quick (the photo CNN is measured elsewhere); the token trains the poses project only.
    cli('model', 'use', 'poses-demo', 'builtin:pixels');
    token = cli('worker', 'token', 'create', '--name', 'diversity-it', '--projects', 'poses-demo').pop()!;
    lead = await new Client(server.url).login('lead@tandem.local', DEMO_PASSWORD);
    annotator = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    const projects = (await lead.request('GET', '/api/projects')).json as { id: number; slug: string }[];
    projectId = projects.find((p) => p.slug === 'poses-demo')!.id;
  }, 400_000);

  afterAll(async () => {
    await server?.stop();
    await dropDatabase?.();
  });

  it('queues a first job with no labels, and the trainer answers it with a diversity ranking: no guess, no metrics', async () => {
    await until('a queued job for the keypoint project', async () => (await model()).job?.state === 'queued');
    await runWorker({ server: server.url, token, maxJobs: 1, cacheDir: null, log, idleSeconds: 0.2 });
    const m = await model();
    expect(m.job.state).toBe('done');
    expect(m.ranking).toMatchObject({ strategy: 'kcenter', kind: 'diversity', labelCount: 0 });
    expect(m.ranking.embeddingSpace).toMatch(/^pca\d+:[0-9a-f]{16}$/);
    // Every open pool item is ranked; holdout items are not (the queue deals them on their own stream).
    expect(m.ranking.entries).toBeGreaterThanOrEqual(10);
    expect(m.ranking.entries).toBeLessThan(12);
    expect(m.model).toMatchObject({ labelCount: 0, metrics: {} });
    expect(m.model.model).toMatch(/^no model: greedy k-center on pca\d+$/);
    expect(m.next.length).toBe(10);
    for (const n of m.next) expect(n).toMatchObject({ predicted: null, confidence: null, uncertainty: null });
    expect(m.uncertainty.bins.every((b: number) => b === 0)).toBe(true);
  }, 300_000);

  it('deals the open pool in the ranking\'s order', async () => {
    // Plain rank order, no holdout slots: the batch is the ranking's head as it stands.
    const patched = await lead.request('PATCH', `/api/projects/${projectId}/queue`, { settings: { diversity: 'rank', holdoutShare: 0 } });
    expect(patched.status, JSON.stringify(patched.json)).toBe(200);
    const head = (await model()).next.map((n: { itemId: number }) => n.itemId);
    const { status, json } = await annotator.request('POST', `/api/projects/${projectId}/leases`, { hold: 5 });
    expect(status, JSON.stringify(json)).toBe(200);
    expect(json.leases.map((l: { itemId: number }) => l.itemId)).toEqual(head.slice(0, 5));
    // The ranked stream (no model to be unsure: the page tags it `diverse`, see Labeler).
    expect(new Set(json.leases.map((l: { stream: string }) => l.stream))).toEqual(new Set(['uncertain']));
  }, 120_000);

  it('says on the model page that items are ordered by diversity, and shows no accuracy or uncertainty', async () => {
    const page = await lead.request('GET', `/projects/${projectId}/model`);
    expect(page.status).toBe(200);
    const html = String(page.json);
    expect(html).toContain('data-testid="diversity-ranking"');
    expect(html).toMatch(/orders <b data-testid="diversity-entries">1\d items<\/b>/);
    expect(html).toMatch(/greedy k-center over image embeddings/);
    for (const absent of ['model-metrics', 'model-uncertainty', 'model-evidence', 'model-curve', 'holdout-size']) expect(html).not.toContain(`data-testid="${absent}"`);
    expect(html).not.toMatch(/guess <b>/);
  }, 120_000);
});
