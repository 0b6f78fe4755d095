import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runWorker } from '../../workers/trainer/main';
import { createLogger } from '../../server/log';
import { Client } from '../fixtures/http-client';
import { loginInBrowser } from '../fixtures/browser';
import { ROOT } from '../fixtures/paths';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';

const DATA = path.resolve('tests/.tmp/e2e-queue-follow');

/** The streams of the items the page holds, the one on screen first. */
const heldStreams = (page: Page) => page.locator('img.item-image').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.stream ?? ''));

/** Labels the item on screen and returns the stream tag of the next one shown. */
async function labelAndReadNextTag(page: Page, key: string): Promise<string> {
  const item = await page.getByTestId('current-item').getAttribute('data-item-id');
  await page.keyboard.press(key);
  await expect(page.getByTestId('current-item')).not.toHaveAttribute('data-item-id', item!);
  return (await page.getByTestId('stream-tag').getAttribute('data-stream'))!;
}

/**
 * Issue 5: a lead changes the easy share and an annotator's page, already open
 * with prefetched items, follows in the very next item, without a reload. Real
 * server, real trainer (in-process, over the worker protocol) for the ranking
 * the easy stream needs, real browser.
 */
test.describe('the labeling page follows the team queue live', () => {
  let server: TandemProcess;
  let projectId: number;
  let lead: Client;

  test.beforeAll(async () => {
    fs.rmSync(DATA, { recursive: true, force: true });
    server = await startTandem({
      dataDir: DATA, port: await freePort(),
      env: { TANDEM_DEMO_LIMIT: '150', TANDEM_RETRAIN_EVERY: '20', TANDEM_RETRAIN_SECONDS: '3600' },
    });
    const made = spawnSync(process.execPath, [path.join(ROOT, 'bin/tandem.mjs'), 'worker', 'token', 'create', '--name', 'e2e-queue-follow', '--projects', 'mnist-demo'], {
      env: { ...process.env, TANDEM_DATA: DATA, DATABASE_URL: '' }, encoding: 'utf8', timeout: 180_000,
    });
    expect(made.status, made.stderr).toBe(0);
    const token = made.stdout.trim().split('\n').pop()!;

    // The easy stream needs a model the queue trusts. The labels below are arbitrary (i mod 10), which `auto` would
    // measure and not trust (lib/al uncertaintyTrusted); a named strategy is dealt as ranked from its first model.
    lead = await new Client(server.url).login('lead@tandem.local', DEMO_PASSWORD);
    const mate = await new Client(server.url).login('ann2@tandem.local', DEMO_PASSWORD);
    projectId = (await mate.request('GET', '/api/projects')).json[0].id;
    const set = await lead.request('PATCH', `/api/projects/${projectId}/settings`, { strategy: 'margin' });
    expect(set.status, JSON.stringify(set.json)).toBe(200);
    for (let i = 0; i < 20; i++) {
      const { json } = await mate.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 });
      const [lease] = json.leases;
      const r = await mate.request('POST', `/api/projects/${projectId}/labels`, {
        leaseId: lease.leaseId, itemId: lease.itemId, label: String(i % 10), clientKey: `e2e-follow-${lease.itemId}`,
      });
      expect(r.status).toBe(200);
    }
    await mate.request('POST', `/api/projects/${projectId}/leases/release`, {});
    await runWorker({ server: server.url, token, maxJobs: 1, idleSeconds: 0.2, log: createLogger('silent', 'trainer'), cacheDir: null });
    expect((await mate.request('GET', `/api/projects/${projectId}/model`)).json.ranking).not.toBeNull();
  });
  test.afterAll(async () => { await server?.stop(); });

  test('easy share 1 → the next items are tagged easy; 0 → none are', async ({ browser }) => {
    const page = await (await browser.newContext()).newPage();
    await loginInBrowser(page, server.url, 'ann1@tandem.local', DEMO_PASSWORD);
    await page.getByTestId('project-mnist-demo').getByTestId('start-labeling').click();
    await expect(page.getByTestId('current-item')).toBeVisible();
    await expect(page.getByTestId('labeler')).toHaveAttribute('data-live', 'true');
    // Prefetched items are there before the lead's change.
    await expect.poll(async () => (await heldStreams(page)).length).toBeGreaterThan(2);
    await page.evaluate(() => { (window as unknown as { __sameDocument: boolean }).__sameDocument = true; });

    const patch = async (settings: Record<string, number>) => {
      const r = await lead.request('PATCH', `/api/projects/${projectId}/queue`, { settings });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
    };

    await patch({ easyShare: 1, holdoutShare: 0 });
    // The page hands back what it prefetched and claims again: everything behind the item on screen is easy.
    await expect.poll(async () => {
      const [, ...behind] = await heldStreams(page);
      return behind.length > 0 && behind.every((s) => s === 'easy');
    }, { timeout: 15_000 }).toBe(true);
    for (let i = 0; i < 6; i++) expect(await labelAndReadNextTag(page, String(i % 10))).toBe('easy');
    await expect(page.getByTestId('stream-tag')).toHaveAttribute('title', /fairly sure/);

    await patch({ easyShare: 0 });
    await expect.poll(async () => {
      const [, ...behind] = await heldStreams(page);
      return behind.length > 0 && behind.every((s) => s !== 'easy');
    }, { timeout: 15_000 }).toBe(true);
    for (let i = 0; i < 6; i++) expect(await labelAndReadNextTag(page, String((i + 4) % 10))).not.toBe('easy');

    // Followed live: the same document throughout, and every label committed.
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await expect(page.getByTestId('pending-count')).toHaveCount(0);
    await page.context().close();
  });

  test('a pause shows once the item on screen is done, and a resume deals again; a closed tab hands its items back at once', async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginInBrowser(page, server.url, 'ann1@tandem.local', DEMO_PASSWORD);
    await page.goto(`${server.url}/projects/${projectId}/label`);
    await expect(page.getByTestId('current-item')).toBeVisible();
    await expect(page.getByTestId('labeler')).toHaveAttribute('data-live', 'true');
    await expect.poll(async () => (await heldStreams(page)).length).toBeGreaterThan(2);
    const onScreen = await page.getByTestId('current-item').getAttribute('data-item-id');

    expect((await lead.request('POST', `/api/projects/${projectId}/queue/pause`, {})).status).toBe(200);
    // The annotator finishes the item on screen; nothing new is dealt, and the page says why.
    await expect(page.getByTestId('queue-ending')).toHaveAttribute('data-state', 'paused');
    await expect(page.getByTestId('current-item')).toHaveAttribute('data-item-id', onScreen!);
    await page.keyboard.press('7');
    await expect(page.getByTestId('queue-empty')).toHaveAttribute('data-state', 'paused');
    await expect(page.getByTestId('queue-empty')).toContainText('paused');
    await expect(page.getByTestId('pending-count')).toHaveCount(0);

    expect((await lead.request('POST', `/api/projects/${projectId}/queue/resume`, {})).status).toBe(200);
    await expect(page.getByTestId('current-item')).toBeVisible();
    await expect(page.getByTestId('queue-ending')).toHaveCount(0);
    await expect.poll(async () => (await heldStreams(page)).length).toBeGreaterThan(2);

    // Leases last 10 minutes; a closed tab releases them by beacon, so teammates get the items now.
    const held = async () => ((await lead.request('GET', `/api/projects/${projectId}/queue/holds`)).json.holders as { email: string; leases: unknown[] }[])
      .find((h) => h.email === 'ann1@tandem.local')?.leases.length ?? 0;
    expect(await held()).toBeGreaterThan(2);
    await page.close({ runBeforeUnload: true });
    await expect.poll(held, { timeout: 10_000 }).toBe(0);
    await context.close();
  });
});
