import { expect, test } from '@playwright/test';
import path from 'node:path';
import fs from 'node:fs';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';
import { loginInBrowser } from '../fixtures/browser';

const DATA = path.resolve('tests/.tmp/e2e-offline');

test.describe('a label is never silently dropped', () => {
  let server: TandemProcess;
  test.beforeAll(async () => {
    fs.rmSync(DATA, { recursive: true, force: true });
    server = await startTandem({ dataDir: DATA, port: await freePort() });
  });
  test.afterAll(async () => { await server?.stop(); });

  test('the page keeps labels through network errors and a closed tab, then commits them', async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginInBrowser(page, server.url, 'ann2@tandem.local', DEMO_PASSWORD);
    await page.getByTestId('start-labeling').first().click();
    await expect(page.getByTestId('current-item')).toBeVisible();

    // The network drops every label submit.
    await context.route('**/api/projects/*/labels', (route) => route.abort('connectionreset'));
    for (const key of ['4', '2']) {
      const item = await page.getByTestId('current-item').getAttribute('data-item-id');
      await page.keyboard.press(key);
      await expect(page.getByTestId('current-item')).not.toHaveAttribute('data-item-id', item!);
    }
    await expect(page.getByTestId('pending-count')).toContainText('saving 2');
    await expect(page.locator('.notice-error')).toContainText('retrying');

    // The annotator gives up and closes the tab while still offline.
    await page.close();
    await context.unroute('**/api/projects/*/labels');

    // Next visit: the labels left in the browser are sent and committed.
    const again = await context.newPage();
    await again.goto(`${server.url}/`);
    await again.getByTestId('start-labeling').first().click();
    await expect(again.getByTestId('current-item')).toBeVisible();
    await expect(again.getByTestId('mine-count')).toHaveText('2');
    await expect(again.getByTestId('pending-count')).toHaveCount(0);
    // What the server says after a fresh load: both labels are committed.
    await again.reload();
    await expect(again.getByTestId('current-item')).toBeVisible();
    await expect(again.getByTestId('mine-count')).toHaveText('2');
  });
});
