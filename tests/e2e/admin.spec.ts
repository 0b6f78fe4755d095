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

  test('an admin creates a box project and a keypoint project from the form; bad input gets a sentence and creates nothing', async ({ browser }) => {
    const admin = await (await browser.newContext()).newPage();
    await loginInBrowser(admin, server.url, 'admin@tandem.local', DEMO_PASSWORD);
    await admin.goto(`${server.url}/admin`);
    const form = admin.getByTestId('create-project');
    await admin.getByText('New project').click();
    const projectsBefore = await admin.locator('[data-testid^="admin-project-"]').count();

    // A classification project with one class: refused in words, nothing created, what was typed kept.
    await form.getByLabel('Name', { exact: true }).fill('<b>Pets</b>');
    await form.getByLabel('Classes').fill('cat');
    await form.getByRole('button', { name: 'Create project' }).click();
    await expect(form.getByRole('alert')).toHaveText('A classification project needs at least two classes, one per line or separated by commas.');
    await expect(form.getByLabel('Name', { exact: true })).toHaveValue('<b>Pets</b>');
    await expect(admin.locator('[data-testid^="admin-project-"]')).toHaveCount(projectsBefore);

    // Boxes, with a name holding markup (shown as text) and a short name derived from it.
    await form.getByLabel('Annotators').selectOption('boxes');
    await form.getByLabel('Box classes').fill('car\nperson');
    await form.getByLabel('Holdout share').fill('0.2');
    await form.getByRole('button', { name: 'Create project' }).click();
    await expect(form.getByRole('status')).toContainText('Created <b>Pets</b> (b-pets-b)');
    await expect(admin.getByTestId('admin-project-b-pets-b')).toContainText('<b>Pets</b> (b-pets-b, boxes)');

    // Keypoints with the COCO-17 preset.
    await form.getByLabel('Name', { exact: true }).fill('Poses two');
    await form.getByLabel('Annotators').selectOption('keypoints');
    await form.getByRole('button', { name: 'Create project' }).click();
    await expect(form.getByRole('status')).toContainText('Created Poses two (poses-two)');
    await expect(admin.getByTestId('admin-project-poses-two')).toContainText('keypoints');
    // The form is empty again; the same short name once more is refused and changes nothing.
    await expect(form.getByLabel('Name', { exact: true })).toHaveValue('');
    await expect(form.getByLabel('Annotators')).toHaveValue('classification');
    await form.getByLabel('Name', { exact: true }).fill('Poses two');
    await form.getByLabel('Annotators').selectOption('keypoints');
    await form.getByRole('button', { name: 'Create project' }).click();
    await expect(form.getByRole('alert')).toContainText('exists already');
    // What was sent stays on screen, the task type with its fields.
    await expect(form.getByLabel('Annotators')).toHaveValue('keypoints');
    await expect(form.getByRole('textbox', { name: /^Skeleton/ })).toHaveValue('coco17');
    await admin.screenshot({ path: path.join(DATA, 'admin-create.png'), fullPage: true });
  });
});
