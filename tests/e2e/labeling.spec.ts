import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import fs from 'node:fs';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';
import { loginInBrowser } from '../fixtures/browser';

const DATA = path.resolve('tests/.tmp/e2e-labeling');

const login = (page: Page, base: string, email: string) => loginInBrowser(page, base, email, DEMO_PASSWORD);

async function openLabeler(page: Page) {
  await page.getByTestId('project-mnist-demo').getByTestId('start-labeling').click();
  await expect(page.getByTestId('current-item')).toBeVisible();
  // The counts load beside the first items; a label pressed before they arrive is not counted on the page
  // (the server's count replaces it), which under load made the count below read 7 of 10.
  await expect(page.getByTestId('mine-count')).toBeVisible();
}

async function currentItem(page: Page): Promise<string> {
  return (await page.getByTestId('current-item').getAttribute('data-item-id'))!;
}

test.describe('labeling end to end', () => {
  let server: TandemProcess;
  let port: number;

  test.beforeAll(async () => {
    fs.rmSync(DATA, { recursive: true, force: true });
    port = await freePort();
    server = await startTandem({ dataDir: DATA, port });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('an annotator labels 10 digits by keyboard, undoes one, and after a restart the 9 labels are there', async ({ browser }) => {
    const first = await browser.newContext();
    const page = await first.newPage();
    await login(page, server.url, 'ann1@tandem.local');
    await openLabeler(page);
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const item = await currentItem(page);
      seen.push(item);
      await page.keyboard.press(String(i % 10));
      await expect.poll(() => currentItem(page)).not.toBe(item);
    }
    expect(new Set(seen).size).toBe(10);
    await expect(page.getByTestId('mine-count')).toHaveText('10');
    await page.keyboard.press('Backspace');
    await expect(page.getByTestId('current-item')).toHaveAttribute('data-item-id', seen[9]);
    await expect(page.getByTestId('mine-count')).toHaveText('9');
    await expect(page.getByTestId('pending-count')).toHaveCount(0);

    await first.close();
    expect(await server.stop()).toBe(0);
    server = await startTandem({ dataDir: DATA, port });

    const second = await browser.newContext();
    const again = await second.newPage();
    await login(again, server.url, 'ann1@tandem.local');
    await openLabeler(again);
    await expect(again.getByTestId('mine-count')).toHaveText('9');
    // The undone item is still this annotator's to redo.
    await expect(again.getByTestId('current-item')).toHaveAttribute('data-item-id', seen[9]);
    await second.close();
  });

  test('two annotators labeling at the same time never see the same item', async ({ browser }) => {
    const a = await (await browser.newContext()).newPage();
    const b = await (await browser.newContext()).newPage();
    await login(a, server.url, 'ann1@tandem.local');
    await login(b, server.url, 'ann2@tandem.local');
    await openLabeler(a);
    await openLabeler(b);
    const seenA = new Set<string>();
    const seenB = new Set<string>();
    for (let i = 0; i < 8; i++) {
      for (const [page, seen] of [[a, seenA], [b, seenB]] as const) {
        const item = await currentItem(page);
        seen.add(item);
        await page.keyboard.press(String((i + 3) % 10));
        await expect.poll(() => currentItem(page)).not.toBe(item);
      }
    }
    const both = [...seenA].filter((x) => seenB.has(x));
    expect(both).toEqual([]);
  });
});
