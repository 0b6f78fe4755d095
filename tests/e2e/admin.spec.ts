import { expect, test } from '@playwright/test';
import path from 'node:path';
import fs from 'node:fs';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';
import { loginInBrowser } from '../fixtures/browser';

const DATA = path.resolve('tests/.tmp/e2e-admin');

test.describe('admin page', () => {
  let server: TandemProcess;
  test.beforeAll(async () => {
    fs.rmSync(DATA, { recursive: true, force: true });
    server = await startTandem({ dataDir: DATA, port: await freePort(), env: { TANDEM_DEMO_LIMIT: '40' } });
  });
  test.afterAll(async () => { await server?.stop(); });

  test('an admin adds a user, makes them an annotator, and they can start labeling', async ({ browser }) => {
    const admin = await (await browser.newContext()).newPage();
    await loginInBrowser(admin, server.url, 'admin@tandem.local', DEMO_PASSWORD);
    await admin.getByRole('link', { name: 'Admin' }).click();
    await expect(admin.getByTestId('admin-project-mnist-demo')).toContainText('40items');

    const add = admin.getByTestId('add-user');
    await add.getByPlaceholder('email').fill('carol@tandem.local');
    await add.getByPlaceholder('password (8+)').fill('short');
    await add.getByRole('button', { name: 'Add user' }).click();
    await expect(add.getByRole('alert')).toContainText('at least 8');
    // The email stays filled in after the error; only the password is asked again.
    await expect(add.getByPlaceholder('email')).toHaveValue('carol@tandem.local');
    await add.getByPlaceholder('password (8+)').fill('carol-password');
    await add.getByRole('button', { name: 'Add user' }).click();
    await expect(add.getByRole('status')).toContainText('Added carol@tandem.local');

    const member = admin.getByTestId('set-member-1');
    await member.getByPlaceholder('user email').fill('nobody@tandem.local');
    await member.getByRole('button', { name: 'Set role' }).click();
    await expect(member.getByRole('alert')).toContainText('no user nobody@tandem.local');
    await member.getByPlaceholder('user email').fill('carol@tandem.local');
    await member.getByRole('button', { name: 'Set role' }).click();
    await expect(member.getByRole('status')).toContainText('carol@tandem.local is now annotator');

    const carol = await (await browser.newContext()).newPage();
    await loginInBrowser(carol, server.url, 'carol@tandem.local', 'carol-password');
    await carol.getByTestId('start-labeling').click();
    await expect(carol.getByTestId('current-item')).toBeVisible();
    // Annotators do not see the admin page.
    await expect(carol.getByRole('link', { name: 'Admin' })).toHaveCount(0);
    await carol.goto(`${server.url}/admin`);
    await expect(carol.getByRole('heading', { name: 'Not found' })).toBeVisible();
  });

  test('a wrong password is refused with a message, and logout ends the session', async ({ page }) => {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill('ann1@tandem.local');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Wrong email or password' })).toBeVisible();
    await loginInBrowser(page, server.url, 'ann1@tandem.local', DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.goto(`${server.url}/`);
    await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  });
});
