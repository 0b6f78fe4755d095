import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { loginInBrowser } from '../fixtures/browser';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';

const DATA = path.resolve('tests/.tmp/e2e-items');
const SHOTS = process.env.TANDEM_SCREENSHOTS;

/**
 * Browse, search and fix, in a real browser against a real server: an annotator answers, reopens
 * the answer from their own page and flags the item instead; the lead filters the items page to
 * flagged items, opens it, fixes its answer with a reason, and the history shows both versions.
 * Text with markup (the flag's comment, the reason) is shown as text.
 */
test.describe('items, an item\'s history and a lead\'s fix', () => {
  let server: TandemProcess;

  test.beforeAll(async () => {
    fs.rmSync(DATA, { recursive: true, force: true });
    server = await startTandem({ dataDir: DATA, port: await freePort(), env: { TANDEM_DEMO_LIMIT: '40' } });
  });
  test.afterAll(async () => { await server?.stop(); });

  test('an annotator flags an item they reopened; the lead finds it by the flagged filter and fixes its answer with a reason', async ({ browser }) => {
    const ann = await (await browser.newContext()).newPage();
    await loginInBrowser(ann, server.url, 'ann1@tandem.local', DEMO_PASSWORD);
    await ann.getByTestId('project-mnist-demo').getByTestId('start-labeling').click();
    await expect(ann.getByTestId('current-item')).toBeVisible();
    await expect(ann.getByTestId('mine-count')).toBeVisible();
    const itemId = (await ann.getByTestId('current-item').getAttribute('data-item-id'))!;
    await ann.keyboard.press('3');
    await expect.poll(() => ann.getByTestId('current-item').getAttribute('data-item-id')).not.toBe(itemId);
    await expect(ann.getByTestId('pending-count')).toHaveCount(0);

    // Their own answers: kept; reopen brings the item back first on the labeling page.
    await ann.getByTestId('mine-link').click();
    const row = ann.locator(`[data-testid="mine-row"][data-item-id="${itemId}"]`);
    await expect(row).toHaveAttribute('data-outcome', 'kept');
    if (SHOTS) await ann.screenshot({ path: path.join(SHOTS, 'mine.png'), fullPage: true });
    await row.getByTestId('reopen').click();
    await expect(ann.getByTestId('current-item')).toHaveAttribute('data-item-id', itemId);

    // Not sure after all: flag it with a comment instead of guessing; it leaves the queue.
    await ann.getByTestId('flag-open').click();
    await ann.getByLabel('unclear').check();
    await ann.getByTestId('flag-comment').fill('<b>a 3 or a 5?</b>');
    if (SHOTS) await ann.screenshot({ path: path.join(SHOTS, 'flag.png'), fullPage: true });
    await ann.getByTestId('flag-send').click();
    await expect(ann.getByRole('status').filter({ hasText: `Flagged item ${itemId}` })).toBeVisible();
    await expect(ann.getByTestId('current-item')).not.toHaveAttribute('data-item-id', itemId);

    // The items page is the leads' own.
    const projectId = new URL(ann.url()).pathname.split('/')[2];
    await ann.goto(`${server.url}/projects/${projectId}/items`);
    await expect(ann.getByTestId('leads-only')).toBeVisible();

    const lead = await (await browser.newContext()).newPage();
    await loginInBrowser(lead, server.url, 'lead@tandem.local', DEMO_PASSWORD);
    await lead.getByTestId('project-mnist-demo').getByTestId('items-link').click();
    await expect(lead.getByTestId('items-page')).toBeVisible();
    await lead.getByTestId('filter-flagged').selectOption('1');
    await lead.getByTestId('apply-filters').click();
    await expect(lead).toHaveURL(/flagged=1/);
    await expect(lead.getByTestId('item-tile')).toHaveCount(1);
    await expect(lead.getByTestId('item-tile')).toHaveAttribute('data-item-id', itemId);
    if (SHOTS) await lead.screenshot({ path: path.join(SHOTS, 'items.png'), fullPage: true });
    await lead.getByTestId('item-link').click();

    await expect(lead.getByTestId('item-page')).toBeVisible();
    await expect(lead.getByTestId('flag')).toContainText('<b>a 3 or a 5?</b>');
    await expect(lead.getByTestId('flags').locator('b', { hasText: 'a 3 or a 5?' })).toHaveCount(0);
    await lead.getByTestId('fix-choice').selectOption('class:5');
    await lead.getByTestId('fix-reason').fill('the loop is open: a <i>5</i>');
    await lead.getByTestId('fix-submit').click();

    await expect(lead.locator('[data-testid="history-row"][data-source="review"]')).toHaveCount(1);
    const history = lead.getByTestId('history');
    await expect(history.locator('[data-testid="history-row"][data-source="human"][data-action="label"]')).toContainText('3');
    await expect(history.locator('[data-testid="history-row"][data-source="review"]')).toContainText('5');
    await expect(history.locator('[data-testid="history-row"][data-source="review"] [data-testid="history-reason"]')).toHaveText('the loop is open: a <i>5</i>');
    await expect(lead.getByTestId('item-state')).toHaveText('resolved');
    if (SHOTS) await lead.screenshot({ path: path.join(SHOTS, 'item.png'), fullPage: true });

    // The annotator's own page shows the outcome, who decided, and why.
    await ann.goto(`${server.url}/projects/${projectId}/mine`);
    await expect(row.getByTestId('mine-resolved')).toContainText('the loop is open: a <i>5</i>');
  });
});
