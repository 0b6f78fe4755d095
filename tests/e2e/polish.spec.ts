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
    await expect(page.getByRole('alert').filter({ hasText: 'Wrong email or password' })).toBeVisible();
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
    // The undo is over once Skip can be pressed again (a label pressed while it runs is not taken).
    await expect(page.getByRole('button', { name: /^Skip/ })).toBeEnabled();
    await page.keyboard.press('4');
    await expect(image).not.toHaveAttribute('data-item-id', first!);
    await expect(notice).toHaveCount(0);
    expect(await image.boundingBox()).toEqual(before);
  });

  test('the image zooms at the wheel, pans by dragging, fits on double-click, and ? shows the keys', async ({ page }) => {
    await loginInBrowser(page, server.url, 'ann1@tandem.local', DEMO_PASSWORD);
    await page.getByTestId('project-mnist-demo').getByTestId('start-labeling').click();
    const image = page.getByTestId('current-item');
    const box = page.getByTestId('zoom-box');
    await expect(image).toBeVisible();
    const fit = (await image.boundingBox())!;
    // Two wheel notches at the image's top-left quarter: twice the size, that point stays put.
    const at = { x: fit.x + fit.width / 4, y: fit.y + fit.height / 4 };
    await page.mouse.move(at.x, at.y);
    await page.mouse.wheel(0, -200);
    await expect(box).toHaveAttribute('data-zoom', '2');
    const zoomed = (await image.boundingBox())!;
    expect(zoomed.width).toBeCloseTo(2 * fit.width, 0);
    expect(zoomed.x + (at.x - fit.x) * 2).toBeCloseTo(at.x, 0);
    // The box clips the image: the page itself did not grow or scroll.
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    // Drag right and down by 30 px: the image follows.
    await page.mouse.down();
    await page.mouse.move(at.x + 30, at.y + 30, { steps: 3 });
    await page.mouse.up();
    await expect.poll(async () => (await image.boundingBox())!.x).toBeCloseTo(zoomed.x + 30, 0);
    await box.dblclick();
    await expect(box).toHaveAttribute('data-zoom', '1');
    expect(await image.boundingBox()).toEqual(fit);
    // + zooms in about the centre, and a new item starts fitted.
    await page.keyboard.press('+');
    await expect(box).toHaveAttribute('data-zoom', '2');
    const item = await image.getAttribute('data-item-id');
    await page.keyboard.press('5');
    await expect(image).not.toHaveAttribute('data-item-id', item!);
    await expect(box).toHaveAttribute('data-zoom', '1');

    // ? opens the sheet; while it is open a digit labels nothing; Escape closes it.
    const sheet = page.getByTestId('shortcut-sheet');
    await page.keyboard.press('?');
    await expect(sheet).toBeVisible();
    await expect(sheet).toContainText('zoom at the cursor');
    await expect(sheet).toContainText('undo your last label');
    const shown = await image.getAttribute('data-item-id');
    await page.keyboard.press('7');
    await page.keyboard.press('Escape');
    await expect(sheet).toBeHidden();
    await expect(image).toHaveAttribute('data-item-id', shown!);
    await page.getByTestId('open-shortcuts').click();
    await expect(sheet).toBeVisible();
    await page.keyboard.press('?');
    await expect(sheet).toBeHidden();
  });
});

test.describe("the model's suggestion on the labeling page", () => {
  let server: TandemProcess;
  test.beforeAll(async () => {
    const data = path.resolve('tests/.tmp/e2e-suggestion');
    fs.rmSync(data, { recursive: true, force: true });
    server = await startTandem({ dataDir: data, port: await freePort(), env: { TANDEM_DEMO_LIMIT: '60', TANDEM_DEMO_POSES: '4', TANDEM_RETRAIN_EVERY: '10', TANDEM_RETRAIN_SECONDS: '3600' } });
  });
  test.afterAll(async () => { await server?.stop(); });

  test('a lead turns it on; the annotator sees the predicted class with its probability and takes it with Enter', async ({ browser }) => {
    const { spawnSync } = await import('node:child_process');
    const { runWorker } = await import('../../workers/trainer/main');
    const { createLogger } = await import('../../server/log');
    const { Client } = await import('../fixtures/http-client');
    const { ROOT } = await import('../fixtures/paths');
    const made = spawnSync(process.execPath, [path.join(ROOT, 'bin/tandem.mjs'), 'worker', 'token', 'create', '--name', 'e2e-suggest', '--projects', 'mnist-demo'], {
      env: { ...process.env, TANDEM_DATA: server.dataDir, DATABASE_URL: '' }, encoding: 'utf8', timeout: 180_000,
    });
    const token = made.stdout.trim().split('\n').pop()!;
    const mate = await new Client(server.url).login('ann2@tandem.local', DEMO_PASSWORD);
    const projectId = (await mate.request('GET', '/api/projects')).json.find((p: { slug: string }) => p.slug === 'mnist-demo').id as number;
    for (let i = 0; i < 12; i++) {
      const { json } = await mate.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 });
      const [lease] = json.leases;
      await mate.request('POST', `/api/projects/${projectId}/labels`, { leaseId: lease.leaseId, itemId: lease.itemId, label: String(i % 10), clientKey: `e2e-suggest-${lease.itemId}` });
    }
    await runWorker({ server: server.url, token, maxJobs: 1, idleSeconds: 0.2, log: createLogger('silent', 'trainer'), cacheDir: null });

    const ann = await (await browser.newContext()).newPage();
    await loginInBrowser(ann, server.url, 'ann1@tandem.local', DEMO_PASSWORD);
    await ann.goto(`${server.url}/projects/${projectId}/label`);
    await expect(ann.getByTestId('current-item')).toBeVisible();
    // Off by default: no suggestion line, and Enter does nothing.
    await expect(ann.getByTestId('suggestion')).toHaveCount(0);
    const shown = await ann.getByTestId('current-item').getAttribute('data-item-id');
    await ann.keyboard.press('Enter');
    await expect(ann.getByTestId('current-item')).toHaveAttribute('data-item-id', shown!);

    const lead = await (await browser.newContext()).newPage();
    await loginInBrowser(lead, server.url, 'lead@tandem.local', DEMO_PASSWORD);
    await lead.goto(`${server.url}/projects/${projectId}/queue`);
    await lead.getByTestId('setting-suggestions').check();
    await expect(lead.getByText('suggestions on')).toBeVisible();

    // The suggestions of the items held next are asked for at once; here they answer only after
    // the first answer is in (a slow network): each must still show when its item comes up.
    let release: () => void = () => {};
    const released = new Promise<void>((r) => { release = r; });
    let prelabels = 0;
    await ann.route('**/items/*/prelabel', async (route) => {
      if (prelabels++ > 0) await released;
      await route.continue();
    });
    await ann.reload();
    const line = ann.getByTestId('suggestion');
    await expect(line).toContainText('The model suggests');
    const label = (await line.getAttribute('data-label'))!;
    expect(label).toMatch(/^\d$/);
    const button = ann.locator(`.class-buttons button[data-class="${label}"]`);
    await expect(button).toHaveAttribute('data-suggested', 'true');
    await expect(button).toContainText('%');
    const item = await ann.getByTestId('current-item').getAttribute('data-item-id');
    await ann.keyboard.press('Enter');
    await expect(ann.getByTestId('current-item')).not.toHaveAttribute('data-item-id', item!);
    await expect(ann.getByText(`last: item ${item} → ${label}`)).toBeVisible();
    release();
    // Holdout and gold items never get one (the server withholds it): answered until an item that does comes up.
    let suggested = false;
    let last = `last: item ${item} → ${label}`;
    for (let i = 0; i < 8 && !suggested; i++) {
      const current = ann.getByTestId('current-item');
      const stream = await current.getAttribute('data-stream');
      if (stream !== 'holdout' && stream !== 'gold') {
        await expect(line).toContainText('The model suggests');
        suggested = true;
      } else {
        await expect(line).toContainText('No suggestion for this item');
        const id = (await current.getAttribute('data-item-id'))!;
        await ann.keyboard.press('0');
        await expect(ann.getByTestId('current-item')).not.toHaveAttribute('data-item-id', id);
        last = `last: item ${id} → 0`;
      }
    }
    expect(suggested).toBe(true);
    await ann.unroute('**/items/*/prelabel');
    // Enter on a focused control is that control's: Skip skips, it does not take the suggestion.
    const next = await ann.getByTestId('current-item').getAttribute('data-item-id');
    await ann.getByRole('button', { name: /^Skip/ }).focus();
    await ann.keyboard.press('Enter');
    await expect(ann.getByTestId('current-item')).not.toHaveAttribute('data-item-id', next!);
    await expect(ann.getByText(last)).toBeVisible();

    // With a trained model, the model page (curve with its interval band) and the admin page still log no console error.
    const seen = consoleErrors(lead);
    await lead.goto(`${server.url}/projects/${projectId}/model`);
    // One version: its interval is a bar (a band joins two or more).
    await expect(lead.getByTestId('accuracy-band').locator('line.curve-band-bar')).toHaveCount(1);
    await expect(lead.getByTestId('holdout-size')).toContainText(/on \d+ items?/);
    await expect(lead.getByTestId('accuracy-interval')).toContainText('95% interval');
    await lead.waitForLoadState('networkidle');
    const admin = await (await browser.newContext()).newPage();
    const adminSeen = consoleErrors(admin);
    await loginInBrowser(admin, server.url, 'admin@tandem.local', DEMO_PASSWORD);
    await admin.goto(`${server.url}/admin`);
    await expect(admin.getByTestId('admin-project-mnist-demo').getByTestId('learning-curve-svg')).toBeVisible();
    await admin.waitForLoadState('networkidle');
    expect([...seen, ...adminSeen]).toEqual([]);
  });
});
