import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '../fixtures/http-client';
import { loginInBrowser } from '../fixtures/browser';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';

const DATA = path.resolve('tests/.tmp/e2e-queue-page');

/**
 * The lead's and admin's queue page in a real browser against a real server:
 * controls take effect, a bad value is refused with the server's message, and
 * changes made elsewhere (another lead, the server's own stop) reach the page live.
 */
test.describe('the queue page', () => {
  let server: TandemProcess;
  let projectId: number;
  let admin: Client;
  let ann: Client;

  test.beforeAll(async () => {
    fs.rmSync(DATA, { recursive: true, force: true });
    server = await startTandem({ dataDir: DATA, port: await freePort(), env: { TANDEM_DEMO_LIMIT: '40' } });
    admin = await new Client(server.url).login('admin@tandem.local', DEMO_PASSWORD);
    ann = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    projectId = (await admin.request('GET', '/api/projects')).json[0].id;
  });
  test.afterAll(async () => { await server?.stop(); });

  test('a lead steers the queue and releases a lease; the page follows pauses and stops made elsewhere; only admins set budgets', async ({ browser }) => {
    const { json: claimed } = await ann.request('POST', `/api/projects/${projectId}/leases`, { hold: 2 });
    const held = claimed.leases.map((l: { leaseId: number }) => l.leaseId) as number[];
    expect(held).toHaveLength(2);

    const lead = await (await browser.newContext()).newPage();
    await loginInBrowser(lead, server.url, 'lead@tandem.local', DEMO_PASSWORD);
    await lead.goto(`${server.url}/projects/${projectId}/model`);
    await lead.getByTestId('queue-link').click();
    await expect(lead.getByTestId('queue-page')).toHaveAttribute('data-state', 'open');
    await expect(lead.getByTestId('queue-budget')).toHaveCount(0);

    // Who holds what, and a release.
    await expect(lead.getByTestId('hold')).toHaveCount(2);
    await lead.locator(`[data-lease-id="${held[0]}"]`).getByTestId('release-lease').click();
    await expect(lead.getByTestId('hold')).toHaveCount(1);

    // A live settings change, and a refused one that changes nothing.
    await lead.getByTestId('setting-easyShare').fill('0.3');
    await lead.getByTestId('queue-settings').getByRole('button', { name: 'Apply' }).click();
    await expect.poll(async () => (await admin.request('GET', `/api/projects/${projectId}/queue`)).json.settings.easyShare).toBe(0.3);
    await expect(lead.getByTestId('queue-settings').locator('.ok')).toContainText('saved');
    await lead.getByTestId('setting-overlapShare').fill('0.9');
    // Another lead's change arrives live while this one types: it shows, and what is typed stays.
    const batchSize = (await admin.request('GET', `/api/projects/${projectId}/queue`)).json.settings.batchSize as number;
    expect((await admin.request('PATCH', `/api/projects/${projectId}/queue`, { settings: { batchSize: batchSize + 1 } })).status).toBe(200);
    await expect(lead.getByTestId('setting-batchSize')).toHaveValue(String(batchSize + 1));
    await expect(lead.getByTestId('setting-overlapShare')).toHaveValue('0.9');
    await lead.getByTestId('queue-settings').getByRole('button', { name: 'Apply' }).click();
    await expect(lead.getByTestId('queue-settings').getByRole('alert')).toContainText('at most 1');
    expect((await admin.request('GET', `/api/projects/${projectId}/queue`)).json.settings.overlapShare).toBe(0);

    // Item controls.
    await lead.getByTestId('item-ids').fill(`${claimed.leases[1].itemId}`);
    await lead.getByTestId('item-action').selectOption('exclude');
    await lead.getByTestId('item-controls').getByRole('button', { name: 'Apply' }).click();
    await expect(lead.getByTestId('queue-controls-count')).toContainText('1 excluded');
    await lead.getByTestId('item-ids').fill('99999999');
    await lead.getByTestId('item-controls').getByRole('button', { name: 'Apply' }).click();
    await expect(lead.getByTestId('item-controls').getByRole('alert')).toContainText('99999999');

    // Pause here; resume from elsewhere reaches the page without a reload.
    await lead.getByTestId('queue-pause').click();
    await expect(lead.getByTestId('queue-page')).toHaveAttribute('data-state', 'paused');
    await lead.evaluate(() => { (window as unknown as { __same: boolean }).__same = true; });
    expect((await admin.request('POST', `/api/projects/${projectId}/queue/resume`, {})).status).toBe(200);
    await expect(lead.getByTestId('queue-page')).toHaveAttribute('data-state', 'open');

    // The admin sets a budget of one more label; the server stops the project when it is in, and both pages say so live.
    const adminPage = await (await browser.newContext()).newPage();
    await loginInBrowser(adminPage, server.url, 'admin@tandem.local', DEMO_PASSWORD);
    await adminPage.goto(`${server.url}/projects/${projectId}/queue`);
    const used = (await admin.request('GET', `/api/projects/${projectId}/queue`)).json.budget.used as number;
    await adminPage.getByTestId('budget-project').fill(String(used + 1));
    await adminPage.getByTestId('queue-budget').getByRole('button', { name: 'Save' }).click();
    await expect(adminPage.getByTestId('queue-budget-use')).toContainText(`budget ${used + 1}`);
    const { json: again } = await ann.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 });
    const lease = again.leases[0];
    const labeled = await ann.request('POST', `/api/projects/${projectId}/labels`, { leaseId: lease.leaseId, itemId: lease.itemId, label: '3', clientKey: 'queue-page-label-1' });
    expect(labeled.status).toBe(200);
    await expect(adminPage.getByTestId('queue-stopped')).toContainText('budget');
    await expect(lead.getByTestId('queue-stopped')).toContainText('budget');
    expect(await lead.evaluate(() => (window as unknown as { __same?: boolean }).__same)).toBe(true);
    await expect(lead.getByTestId('queue-clear-stop')).toHaveCount(0);
    await adminPage.getByTestId('queue-clear-stop').click();
    await expect(adminPage.getByTestId('queue-stopped')).toHaveCount(0);
  });
});
