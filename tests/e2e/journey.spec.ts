import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { consoleErrors, loginInBrowser } from '../fixtures/browser';
import { pngBytes } from '../fixtures/images';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';
import { parse } from 'csv-parse/sync';
import { splitForGroup } from '../../lib/holdout';

const DATA = path.resolve('tests/.tmp/e2e-journey');
const FILES = path.resolve('tests/.tmp/e2e-journey-files');
const SHOTS = path.resolve('tests/.tmp/screenshots');
const BROKEN = 'dog-cut-off.png';

/**
 * pets/cat/*.png and pets/dog/*.png, three good pictures and one cut off. Only names the holdout
 * draw puts in the pool (the same draw as the upload's: share 0.1, seed 1), because a holdout
 * item is shown without its prelabel and the journey needs every item to carry one.
 */
function writeFolder(): string {
  const root = path.join(FILES, 'pets');
  fs.rmSync(FILES, { recursive: true, force: true });
  let seed = 500;
  for (const [cls, count] of [['cat', 2], ['dog', 1]] as const) {
    fs.mkdirSync(path.join(root, cls), { recursive: true });
    for (let written = 0; written < count; seed++) {
      if (splitForGroup(`pets/${cls}/${cls}-${seed}.png`, 0.1, 1) !== 'pool') continue;
      fs.writeFileSync(path.join(root, cls, `${cls}-${seed}.png`), pngBytes(seed, 24, 24));
      written++;
    }
  }
  fs.writeFileSync(path.join(root, 'dog', BROKEN), pngBytes(seed, 24, 24).subarray(0, 60));
  return root;
}

async function currentItem(page: Page): Promise<string> {
  await expect(page.getByTestId('current-item')).toBeVisible();
  return (await page.getByTestId('current-item').getAttribute('data-item-id'))!;
}

/**
 * Issue 13's journey end to end, in one browser session per person: an admin creates a project,
 * uploads a folder, invites an annotator; the annotator confirms an imported class with Enter,
 * labels one more item and flags a third; the admin, acting as lead, finds the flag, fixes an
 * answer with a reason and sees both versions; the export has every standing answer.
 */
test.describe('the whole journey, from an empty server to an export', () => {
  let server: TandemProcess;
  test.beforeAll(async () => {
    fs.rmSync(DATA, { recursive: true, force: true });
    server = await startTandem({ dataDir: DATA, port: await freePort(), env: { TANDEM_DEMO_LIMIT: '10' } });
  });
  test.afterAll(async () => { await server?.stop(); });

  test('create, upload, invite, label with suggestions, flag, fix with a reason, export', async ({ browser }) => {
    // 1. An admin creates a classification project from the admin page's form.
    const admin = await (await browser.newContext()).newPage();
    const adminErrors = consoleErrors(admin);
    await loginInBrowser(admin, server.url, 'admin@tandem.local', DEMO_PASSWORD);
    await admin.getByRole('link', { name: 'Admin' }).click();
    await admin.getByText('New project').click();
    const create = admin.getByTestId('create-project');
    await create.getByLabel('Name', { exact: true }).fill('Journey pets');
    await create.getByLabel('Classes').fill('cat\ndog');
    await create.getByRole('button', { name: 'Create project' }).click();
    await expect(create.getByRole('status')).toContainText('Created Journey pets (journey-pets)');
    await expect(admin.getByTestId('admin-project-journey-pets')).toContainText('Journey pets (journey-pets, classification)');
    await admin.goto(`${server.url}/`);
    const href = await admin.getByTestId('project-journey-pets').getByTestId('start-labeling').getAttribute('href');
    const pid = Number(href!.split('/')[2]);
    expect(pid).toBeGreaterThan(0);

    // 2. The folder per class, with one broken file; the folder names become prelabels to confirm.
    await admin.goto(`${server.url}/projects/${pid}/queue`);
    await admin.getByTestId('upload-area').getByTestId('upload-folder').setInputFiles(writeFolder());
    const upload = admin.getByTestId('upload').first();
    await expect(upload.getByTestId('upload-question')).toContainText('cat, dog');
    await upload.getByTestId('upload-mode-prelabel').click();
    await expect(upload).toHaveAttribute('data-phase', 'done');
    await expect(upload.getByTestId('upload-added')).toHaveText('3');
    await expect(upload.getByTestId('upload-skipped')).toHaveText('1');
    const failed = upload.getByTestId('upload-failed');
    await expect(failed).toContainText(`pets/dog/${BROKEN}`);
    await expect(failed).toContainText('a broken or cut-off PNG image');
    await expect(failed.locator('img')).toHaveCount(0);

    // Guidelines, so the annotator's first visit opens them.
    const editor = admin.getByTestId('guidelines-editor');
    await editor.getByTestId('guidelines-markdown').fill('# Cat or dog\n\nPick the animal you see; flag a picture you cannot tell.');
    await editor.getByTestId('guidelines-save').click();
    await expect(editor.getByRole('status')).toContainText('Saved');

    // 3. An invite by one-time link from the members panel; the annotator accepts it in a fresh context.
    const invite = admin.getByTestId('members-panel').getByTestId('invite-form');
    await invite.getByTestId('invite-email').fill('robin@tandem.local');
    await expect(invite.getByTestId('invite-role')).toHaveValue('annotator');
    await invite.getByTestId('invite-send').click();
    const link = await invite.getByTestId('invite-link').inputValue();
    expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);

    const robin = await (await browser.newContext()).newPage();
    const robinErrors = consoleErrors(robin);
    await robin.goto(link);
    await expect(robin.getByTestId('invite-page')).toContainText('as an annotator, with the email robin@tandem.local');
    await robin.getByTestId('accept-name').fill('Robin');
    await robin.getByTestId('accept-password').fill('robin-password');
    await robin.getByTestId('accept-again').fill('robin-password');
    await robin.getByTestId('accept-send').click();
    await expect(robin).toHaveURL(/\/login\?email=robin%40tandem.local/);
    await robin.getByLabel('Password').fill('robin-password');
    await robin.getByRole('button', { name: 'Log in' }).click();
    await expect(robin.getByTestId('whoami')).toContainText('robin@tandem.local');

    // 4. The labeling page: guidelines first, then the imported class to confirm with Enter.
    await robin.goto(`${server.url}/projects/${pid}/label`);
    const dialog = robin.getByTestId('guidelines-dialog');
    await expect(dialog.getByRole('heading', { name: 'Cat or dog' })).toBeVisible();
    await dialog.getByTestId('guidelines-close').click();
    await expect(dialog).toBeHidden();

    const confirmed = await currentItem(robin);
    const suggestion = robin.getByTestId('suggestion');
    await expect(suggestion).toContainText(/Imported as (cat|dog), to confirm/);
    const suggested = (await suggestion.textContent())!.match(/Imported as (cat|dog)/)![1];
    await expect(robin.locator(`.class-buttons button[data-class="${suggested}"]`)).toHaveAttribute('data-suggested', 'true');
    await robin.keyboard.press('Enter');
    await expect(robin.getByText(`last: item ${confirmed} → ${suggested}`)).toBeVisible();
    await expect(robin.getByTestId('mine-count')).toHaveText('1');

    // Another item, answered with a key: 1 is cat.
    await expect.poll(() => robin.getByTestId('current-item').getAttribute('data-item-id')).not.toBe(confirmed);
    const labeled = await currentItem(robin);
    await expect(robin.getByTestId('suggestion')).toContainText('to confirm');
    await robin.keyboard.press('1');
    await expect(robin.getByText(`last: item ${labeled} → cat`)).toBeVisible();
    await expect(robin.getByTestId('mine-count')).toHaveText('2');

    // The third: unclear, flagged with a comment instead of a guess.
    await expect.poll(() => robin.getByTestId('current-item').getAttribute('data-item-id')).not.toBe(labeled);
    const flagged = await currentItem(robin);
    expect(new Set([confirmed, labeled, flagged]).size).toBe(3);
    await robin.getByTestId('flag-open').click();
    await robin.getByLabel('unclear').check();
    await robin.getByTestId('flag-comment').fill('too blurry to <b>tell</b>');
    await robin.getByTestId('flag-send').click();
    await expect(robin.getByRole('status').filter({ hasText: `Flagged item ${flagged}` })).toBeVisible();
    // It leaves the queue, and it was the last one.
    await expect(robin.getByTestId('queue-empty')).toBeVisible();

    // 5. The admin, as lead: the items page filtered to flagged items shows the one flagged.
    await admin.goto(`${server.url}/`);
    await admin.getByTestId('project-journey-pets').getByTestId('items-link').click();
    await expect(admin.getByTestId('items-page')).toBeVisible();
    await admin.getByTestId('filter-flagged').selectOption('1');
    await admin.getByTestId('apply-filters').click();
    await expect(admin).toHaveURL(/flagged=1/);
    // Robin flagged this item instead of answering it: with flagged items asked for, the automatic
    // order is the item id order (the newest-answer order walks answers and cannot list it).
    await expect(admin.getByTestId('item-tile')).toHaveCount(1);
    await expect(admin.getByTestId('item-tile')).toHaveAttribute('data-item-id', flagged);
    await admin.getByTestId('item-link').click();
    await expect(admin.getByTestId('item-page')).toBeVisible();
    await expect(admin.getByTestId('flag')).toContainText('too blurry to <b>tell</b>');
    await expect(admin.getByTestId('flags').locator('b', { hasText: 'tell' })).toHaveCount(0);

    // The item Robin answered with a key: the admin fixes it to dog, with a reason.
    await admin.goto(`${server.url}/projects/${pid}/items`);
    await admin.locator(`[data-testid="item-tile"][data-item-id="${labeled}"]`).getByTestId('item-link').click();
    await expect(admin.getByTestId('item-page')).toBeVisible();
    await admin.getByTestId('fix-choice').selectOption('class:dog');
    await admin.getByTestId('fix-reason').fill('the ears say <i>dog</i>');
    await admin.getByTestId('fix-submit').click();
    const history = admin.getByTestId('history');
    await expect(history.locator('[data-testid="history-row"][data-source="review"]')).toHaveCount(1);
    await expect(history.locator('[data-testid="history-row"][data-source="human"][data-action="label"]')).toContainText('cat');
    await expect(history.locator('[data-testid="history-row"][data-source="review"]')).toContainText('dog');
    await expect(history.locator('[data-testid="history-row"][data-source="review"] [data-testid="history-reason"]')).toHaveText('the ears say <i>dog</i>');
    await expect(admin.getByTestId('item-state')).toHaveText('resolved');
    fs.mkdirSync(SHOTS, { recursive: true });
    await admin.screenshot({ path: path.join(SHOTS, 'journey-item.png'), fullPage: true });

    // 6. The export from the queue page, every answer: Robin's two and the correction, one row each.
    await admin.goto(`${server.url}/projects/${pid}/queue`);
    const exportForm = admin.getByTestId('export-form');
    await exportForm.locator('select[name="format"]').selectOption('csv');
    await exportForm.locator('select[name="answers"]').selectOption('all');
    const [download] = await Promise.all([admin.waitForEvent('download'), exportForm.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toContain('all-answers.csv');
    const rows = parse(fs.readFileSync((await download.path())!, 'utf8'), { columns: true }) as Record<string, string>[];
    const listed = await (await admin.request.get(`${server.url}/api/projects/${pid}/items?sort=id&limit=10`)).json() as { items: { id: number; sourceName: string }[] };
    const nameOf = (id: string) => listed.items.find((i) => String(i.id) === id)!.sourceName;
    const answers = rows.map((r) => `${r.image} ${r.annotator} ${r.source} ${r.label}`).sort();
    expect(answers).toEqual([
      `${nameOf(confirmed)} robin@tandem.local human ${suggested}`,
      `${nameOf(labeled)} admin@tandem.local review dog`,
      `${nameOf(labeled)} robin@tandem.local human cat`,
    ].sort());
    expect(rows.some((r) => r.image === nameOf(flagged))).toBe(false);

    expect(adminErrors).toEqual([]);
    expect(robinErrors).toEqual([]);
  });
});
