import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import fs from 'node:fs';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';
import { consoleErrors, loginInBrowser } from '../fixtures/browser';

const DATA = path.resolve('tests/.tmp/e2e-polish');

/** What a new user tripped over on a first run (issue 13, "Polish from the new-user run"). */
test.describe('a new user\'s first run', () => {
  let server: TandemProcess;
  test.beforeAll(async () => {
    fs.rmSync(DATA, { recursive: true, force: true });
    server = await startTandem({ dataDir: DATA, port: await freePort(), env: { TANDEM_DEMO_LIMIT: '40', TANDEM_DEMO_POSES: '4' } });
  });
  test.afterAll(async () => { await server?.stop(); });

  test('a wrong password keeps the email in the form and is logged as one line, not a stack trace', async ({ page }) => {
    const refusedBefore = server.output().split('\n').filter((l) => l.includes('login refused')).length;
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill('ann1@tandem.local');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert')).toContainText('Wrong email or password');
    await expect(page.getByLabel('Email')).toHaveValue('ann1@tandem.local');
    await expect(page.getByLabel('Password')).toHaveValue('');
    // Typing the password again is enough.
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByTestId('whoami')).toContainText('ann1@tandem.local');
    await expect.poll(() => server.output().split('\n').filter((l) => l.includes('login refused')).length).toBe(refusedBefore + 1);
    expect(server.output()).not.toContain('[auth][error]');
    expect(server.output()).not.toMatch(/^\s+at .*authorize/m);
  });

  test('every page has an icon, and home, labeling, queue, model and admin pages log no console error', async ({ browser }) => {
    const pages: Page[] = [];
    const errors: string[] = [];
    for (const email of ['lead@tandem.local', 'admin@tandem.local']) {
      const page = await (await browser.newContext({ locale: 'de-DE', timezoneId: 'America/New_York' })).newPage();
      const seen = consoleErrors(page);
      pages.push(page);
      await loginInBrowser(page, server.url, email, DEMO_PASSWORD);
      const icon = await page.locator('link[rel="icon"]').first().getAttribute('href');
      expect(icon).toBeTruthy();
      expect((await page.request.get(new URL(icon!, server.url).href)).status()).toBe(200);
      const projectId = Number(/\/projects\/(\d+)\//.exec((await page.getByTestId('project-mnist-demo').getByTestId('start-labeling').getAttribute('href'))!)![1]);
      const visits = ['/', `/projects/${projectId}/label`, `/projects/${projectId}/queue`, `/projects/${projectId}/model`, ...(email.startsWith('admin') ? ['/admin'] : [])];
      for (const p of visits) {
        await page.goto(server.url + p);
        await expect(page.getByTestId('whoami')).toBeVisible();
        // Hydration is over once a client component has run an effect; give React's error report the same chance.
        await page.waitForLoadState('networkidle');
      }
      errors.push(...seen);
    }
    expect(errors).toEqual([]);
  });

  test('the top bar says the role in this project, and "Start labeling" is the primary button', async ({ browser }) => {
    const as = async (email: string) => {
      const page = await (await browser.newContext()).newPage();
      await loginInBrowser(page, server.url, email, DEMO_PASSWORD);
      return page;
    };
    const ann = await as('ann1@tandem.local');
    await expect(ann.getByTestId('whoami')).not.toContainText('(user)');
    await expect(ann.getByTestId('whoami-role')).toHaveCount(0);
    const start = ann.getByTestId('project-mnist-demo').getByTestId('start-labeling');
    const accent = await start.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim());
    expect(accent).toBe('#2f6fed');
    expect(await start.evaluate((a) => getComputedStyle(a).backgroundColor)).toBe('rgb(47, 111, 237)');
    expect(await start.evaluate((a) => getComputedStyle(a).textDecorationLine)).toBe('none');
    await start.click();
    await expect(ann.getByTestId('whoami-role')).toHaveText('annotator');

    const lead = await as('lead@tandem.local');
    await lead.getByTestId('project-mnist-demo').getByTestId('model-link').click();
    await expect(lead.getByTestId('whoami-role')).toHaveText('lead');
    const admin = await as('admin@tandem.local');
    await expect(admin.getByTestId('whoami-role')).toHaveText('admin');
  });

  test('the undo notice never moves the image and goes away with the next answer', async ({ page }) => {
    await loginInBrowser(page, server.url, 'ann2@tandem.local', DEMO_PASSWORD);
    await page.getByTestId('project-mnist-demo').getByTestId('start-labeling').click();
    const image = page.getByTestId('current-item');
    await expect(image).toBeVisible();
    await expect(page.getByTestId('mine-count')).toBeVisible();
    const before = await image.boundingBox();
    const first = await image.getAttribute('data-item-id');
    await page.keyboard.press('3');
    await expect(image).not.toHaveAttribute('data-item-id', first!);
    await page.keyboard.press('Backspace');
    await expect(image).toHaveAttribute('data-item-id', first!);
    const notice = page.getByTestId('labeler-notice');
    await expect(notice).toContainText(`Undone: item ${first} is back for you.`);
    expect(await image.boundingBox()).toEqual(before);
    await page.keyboard.press('4');
    await expect(image).not.toHaveAttribute('data-item-id', first!);
    await expect(notice).toHaveCount(0);
    expect(await image.boundingBox()).toEqual(before);
  });
});
