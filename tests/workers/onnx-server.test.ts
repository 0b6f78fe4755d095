import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../../server/log';
import { runWorker } from '../../workers/trainer/main';
import { runTandemCli } from '../fixtures/cli';
import { TINY_EMBEDDER } from '../fixtures/make-onnx';
import { Client } from '../fixtures/http-client';
import { ROOT, TMP_ROOT } from '../fixtures/paths';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';

/** `tandem …` while the server owns the embedded database: the command runs inside it. */
const tandem = (dataDir: string, ...args: string[]) => runTandemCli(dataDir, args);

/**
 * A user's ONNX model end to end over HTTP: `tandem model add` against a
 * running server, the worker protocol serving its metadata and bytes, and the
 * real trainer embedding the demo digits with it.
 */
describe('ONNX embedding model through a running server', () => {
  const dataDir = path.join(TMP_ROOT, 'onnx-server');
  let server: TandemProcess;
  let token: string;
  let admin: Client;
  let projectId: number;
  let slug: string;

  beforeAll(async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    server = await startTandem({ dataDir, port: await freePort(), env: { TANDEM_DEMO_LIMIT: '120', TANDEM_RETRAIN_EVERY: '5', TANDEM_RETRAIN_SECONDS: '3600' } });
    admin = await new Client(server.url).login('admin@tandem.local', DEMO_PASSWORD);
    ({ id: projectId, slug } = (await admin.request('GET', '/api/projects')).json[0]);
    const made = await tandem(dataDir, 'worker', 'token', 'create', '--name', 'onnx-it', '--projects', slug);
    expect(made.code, made.err).toBe(0);
    token = made.out.trim().split('\n').pop()!;
  }, 400_000);
  afterAll(async () => { await server?.stop(); });

  const worker = (p: string) => fetch(`${server.url}${p}`, { headers: { authorization: `Bearer ${token}` } });

  it('adds the model through the server, serves it to workers, and the trainer ranks with it', async () => {
    // No model: the demo's small gray digits keep the built-in raw pixels (the auto rule).
    expect(await (await worker(`/api/worker/v1/projects/${projectId}/embedding-model`)).json())
      .toEqual({ model: null, builtin: { name: 'pixels', chosen: 'auto', reason: 'small gray images (at most 64 px)' } });
    const bad = await tandem(dataDir, 'model', 'add', slug, 'package.json');
    expect(bad.code).toBe(2);
    expect(bad.err.trim()).toMatch(/^tandem: package\.json is not an ONNX model onnxruntime can load: .+$/);
    const added = await tandem(dataDir, 'model', 'add', slug, path.relative(ROOT, TINY_EMBEDDER));
    expect(added.code, added.err).toBe(0);
    expect(added.out).toMatch(/added model tiny-embedder/);

    const { model } = await (await worker(`/api/worker/v1/projects/${projectId}/embedding-model`)).json();
    expect(model).toMatchObject({ name: 'tiny-embedder', output: { dim: 16 }, file: `/api/worker/v1/projects/${projectId}/embedding-model/file` });
    const file = await worker(model.file);
    expect(file.status).toBe(200);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(model.sha256);
    expect((await fetch(`${server.url}${model.file}`)).status).toBe(401);

    // The real trainer claims the open job and embeds with the model, on five labels.
    const annotator = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    for (let i = 0; i < 5; i++) {
      const { json } = await annotator.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 });
      const [lease] = json.leases;
      const r = await annotator.request('POST', `/api/projects/${projectId}/labels`, { leaseId: lease.leaseId, itemId: lease.itemId, label: String(i % 10), clientKey: `onnx-it-${i}` });
      expect(r.status).toBe(200);
    }
    await runWorker({ server: server.url, token, maxJobs: 1, idleSeconds: 0.2, log: createLogger('silent', 'trainer'), cacheDir: null });
    const status = (await admin.request('GET', `/api/projects/${projectId}/model`)).json;
    expect(status.model).toMatchObject({ model: 'onnx:tiny-embedder-knn7-label-spreading', backend: expect.stringMatching(/^onnxruntime-node cpu embeddings; label spreading/) });
    // The job queued at import (auto ranks before any label) was the one run, on the five labels; the labels it
    // counted call for the next one.
    expect(status.ranking).toMatchObject({ labelCount: 5, behind: 0 });
  }, 300_000);
});
