import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runWorker } from '../../workers/trainer/main';
import { createLogger } from '../../server/log';
import { Client } from '../fixtures/http-client';
import { loginInBrowser } from '../fixtures/browser';
import { ROOT } from '../fixtures/paths';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';

const DATA = path.resolve('tests/.tmp/e2e-model');

/**
 * What annotators, leads and admins see of the model: the badge on the
 * labeling page before any model and live once the real trainer (run here,
 * in-process, over the worker protocol) pushes a ranking; the lead's model page.
 */
test.describe('model state in the browser', () => {
  let server: TandemProcess;
  let token: string;
  let projectId: number;

  test.beforeAll(async () => {
    fs.rmSync(DATA, { recursive: true, force: true });
    server = await startTandem({
      dataDir: DATA, port: await freePort(),
      env: { TANDEM_DEMO_LIMIT: '80', TANDEM_RETRAIN_EVERY: '10', TANDEM_RETRAIN_SECONDS: '3600' },
    });
    const made = spawnSync(process.execPath, [path.join(ROOT, 'bin/tandem.mjs'), 'worker', 'token', 'create', '--name', 'e2e-trainer', '--projects', 'mnist-demo'], {
      env: { ...process.env, TANDEM_DATA: DATA, DATABASE_URL: '' }, encoding: 'utf8', timeout: 180_000,
    });
    expect(made.status, made.stderr).toBe(0);
    token = made.stdout.trim().split('\n').pop()!;
    expect(token).toMatch(/^tdw_/);
  });
  test.afterAll(async () => { await server?.stop(); });

  test('the badge says there is no model, then shows the trained one and its failures live; the lead sees the curve and the failure; annotators do not see the page', async ({ browser }) => {
    const ann = await (await browser.newContext()).newPage();
    await loginInBrowser(ann, server.url, 'ann1@tandem.local', DEMO_PASSWORD);
    // Annotators get no link to the model page.
    await expect(ann.getByTestId('model-link')).toHaveCount(0);
    await ann.getByTestId('project-mnist-demo').getByTestId('start-labeling').click();
    await expect(ann.getByTestId('current-item')).toBeVisible();
    projectId = Number(/\/projects\/(\d+)\/label/.exec(ann.url())![1]);
    const badge = ann.getByTestId('model-badge');
    // auto's first ranking needs no label: it was queued at import, and no trainer runs beside this server.
    await expect(badge).toHaveAttribute('data-state', 'waiting');
    await expect(badge).toContainText('No model yet: items dealt at random · the first ranking (from the images alone) is queued, waiting for a trainer');
    await ann.evaluate(() => { (window as unknown as { __sameDocument: boolean }).__sameDocument = true; });
    await runWorker({ server: server.url, token, maxJobs: 1, idleSeconds: 0.2, log: createLogger('silent', 'trainer'), cacheDir: null });
    await expect(badge).toHaveAttribute('data-state', 'diversity');
    await expect(badge).toContainText(/No model yet: \d+ items ordered from the image embeddings alone, typical images of each cluster first · up to date/);

    // A teammate labels over HTTP until 10+ labels stand, at least one of them on the holdout (so metrics exist).
    const mate = await new Client(server.url).login('ann2@tandem.local', DEMO_PASSWORD);
    const holdoutLabeled = async () => (await mate.request('GET', '/api/projects')).json.find((p: { id: number }) => p.id === projectId).counts.holdoutLabeled as number;
    let labeled = 0;
    while (labeled < 10 || (await holdoutLabeled()) === 0) {
      expect(labeled, 'no holdout item among the first 40 dealt').toBeLessThan(40);
      const { json } = await mate.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 });
      const [lease] = json.leases;
      const r = await mate.request('POST', `/api/projects/${projectId}/labels`, {
        leaseId: lease.leaseId, itemId: lease.itemId, label: String(labeled % 10), clientKey: `e2e-model-${lease.itemId}`,
      });
      expect(r.status).toBe(200);
      labeled++;
      if (labeled === 3) await expect(badge).toContainText('3 labels since');
    }
    // 10 labels queued a retrain; no trainer runs beside this server.
    await expect.poll(async () => (await mate.request('GET', `/api/projects/${projectId}/model`)).json.job?.state).toBe('queued');

    await runWorker({ server: server.url, token, maxJobs: 1, idleSeconds: 0.2, log: createLogger('silent', 'trainer'), cacheDir: null });
    const status = (await mate.request('GET', `/api/projects/${projectId}/model`)).json;
    expect(status.model.labelCount).toBe(labeled);
    // The badge follows the 'model' event: no reload.
    await expect(badge).toHaveAttribute('data-state', 'ready');
    // v1 was the ranking before any label.
    await expect(badge).toContainText(`Model v2 (${labeled} labels)`);
    await expect(badge).toContainText('holdout accuracy');
    await expect(badge).toContainText('up to date');
    await expect(badge).toContainText('CPU (tfjs wasm)');
    expect(await ann.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

    // The lead's model page.
    const lead = await (await browser.newContext()).newPage();
    await loginInBrowser(lead, server.url, 'lead@tandem.local', DEMO_PASSWORD);
    await lead.getByTestId('project-mnist-demo').getByTestId('model-link').click();
    await expect(lead.getByTestId('model-version')).toContainText('v2');
    await expect(lead.getByTestId('model-backend')).toContainText('tfjs 4.22.0 wasm (cpu, simd)');
    await expect(lead.getByTestId('model-behind')).toContainText('up to date');
    // Done, or queued again when the hunt for a holdout label gave 10 more labels than the job had.
    await expect(lead.getByTestId('job-status')).toHaveAttribute('data-state', labeled >= 20 ? /^(done|queued)$/ : 'done');
    await expect(lead.getByTestId('learning-curve-svg')).toBeVisible();
    await expect(lead.getByTestId('learning-curve-svg').locator('title').first()).toContainText(`at ${labeled} labels`);
    await expect(lead.getByTestId('version-row')).toHaveCount(2);
    await expect(lead.getByTestId('version-row').filter({ hasText: 'v2' })).toContainText(String(labeled));
    await expect(lead.getByTestId('next-item')).toHaveCount(status.next.length);
    expect(status.next.length).toBeGreaterThan(0);
    const thumb = lead.getByTestId('next-item').first().locator('img');
    await thumb.scrollIntoViewIfNeeded();
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

    // One more label: both the badge and the open model page say the model is one label behind.
    const before = await ann.getByTestId('current-item').getAttribute('data-item-id');
    await ann.keyboard.press('1');
    await expect(ann.getByTestId('current-item')).not.toHaveAttribute('data-item-id', before!);
    await expect(badge).toContainText('1 label behind');
    await expect(lead.getByTestId('model-behind')).toContainText('1 label behind');

    // The admin's project card links to it and draws the curve.
    const admin = await (await browser.newContext()).newPage();
    await loginInBrowser(admin, server.url, 'admin@tandem.local', DEMO_PASSWORD);
    await admin.goto(`${server.url}/admin`);
    const card = admin.getByTestId('admin-project-mnist-demo');
    await expect(card.getByTestId('learning-curve-svg')).toBeVisible();
    await expect(card.getByTestId('admin-model-link')).toHaveAttribute('href', `/projects/${projectId}/model`);

    // A trainer that fails a job three times: the badge and the lead's page say why, and labeling goes on.
    while ((await mate.request('GET', `/api/projects/${projectId}/model`)).json.job?.state !== 'queued') {
      const { json } = await mate.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 });
      const [lease] = json.leases;
      await mate.request('POST', `/api/projects/${projectId}/labels`, { leaseId: lease.leaseId, itemId: lease.itemId, label: '7', clientKey: `e2e-model-b-${lease.itemId}` });
    }
    const worker = (url: string, body: unknown) => fetch(`${server.url}/api/worker/v1${url}`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<any>);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const { job } = await worker('/jobs/claim', { worker: 'e2e-flaky', backends: ['cpu'], protocol: 1 });
      const { state } = await worker(`/jobs/${job.id}/fail`, { reason: `out of memory (attempt ${attempt})` });
      expect(state).toBe(attempt < 3 ? 'queued' : 'failed');
    }
    // A label tells the room; both pages re-read the status.
    const item = await ann.getByTestId('current-item').getAttribute('data-item-id');
    await ann.keyboard.press('2');
    await expect(ann.getByTestId('current-item')).not.toHaveAttribute('data-item-id', item!);
    await expect(badge).toHaveAttribute('data-state', 'failed');
    await expect(badge).toContainText('Trainer failed: out of memory (attempt 3) — labeling goes on with the previous ranking');
    await expect(lead.getByTestId('job-status')).toHaveAttribute('data-state', 'failed');
    await expect(lead.getByTestId('job-errors')).toContainText('out of memory (attempt 1)');
    await expect(lead.getByTestId('job-errors').locator('li')).toHaveCount(3);
    await expect(lead.getByTestId('job-status')).toContainText('3 attempts');

    // Annotators are refused the model page like any page they may not see.
    await ann.goto(`${server.url}/projects/${projectId}/model`);
    await expect(ann.getByRole('heading', { name: 'Not found' })).toBeVisible();
    await expect(ann.getByTestId('model-page')).toHaveCount(0);
  });
});
