import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '../fixtures/http-client';
import { loginInBrowser } from '../fixtures/browser';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';

const DATA = path.resolve('tests/.tmp/e2e-review');

/**
 * Two annotators disagree on an overlap item; the lead finds it on the review page, keeps one
 * answer with a key, and the other annotator's open labeling page says what became of theirs.
 */
test.describe('the review page', () => {
  let server: TandemProcess;
  let projectId: number;
  let admin: Client;
  let ann1: Client;
  let ann2: Client;

  test.beforeAll(async () => {
    fs.rmSync(DATA, { recursive: true, force: true });
    server = await startTandem({ dataDir: DATA, port: await freePort(), env: { TANDEM_DEMO_LIMIT: '40' } });
    admin = await new Client(server.url).login('admin@tandem.local', DEMO_PASSWORD);
    ann1 = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    ann2 = await new Client(server.url).login('ann2@tandem.local', DEMO_PASSWORD);
    projectId = (await admin.request('GET', '/api/projects')).json[0].id;
  });
  test.afterAll(async () => { await server?.stop(); });

  /** ann1 answers `first`, then ann2 is dealt overlap items until one of ann1's comes, and answers it `second`. */
  async function dispute(first: string, second: string): Promise<number> {
    const patched = await admin.request('PATCH', `/api/projects/${projectId}/queue`, { settings: { easyShare: 0, holdoutShare: 0, overlapShare: 1, overlapK: 2 } });
    expect(patched.status, JSON.stringify(patched.json)).toBe(200);
    const mine = new Set<number>();
    const { json: c1 } = await ann1.request('POST', `/api/projects/${projectId}/leases`, { hold: 4 });
    for (const l of c1.leases as { leaseId: number; itemId: number }[]) {
      const r = await ann1.request('POST', `/api/projects/${projectId}/labels`, { leaseId: l.leaseId, itemId: l.itemId, label: first, clientKey: `e2e-review-1-${l.leaseId}` });
      expect(r.status).toBe(200);
      mine.add(l.itemId);
    }
    for (let round = 0; round < 10; round++) {
      const { json: c2 } = await ann2.request('POST', `/api/projects/${projectId}/leases`, { hold: 2 });
      for (const l of c2.leases as { leaseId: number; itemId: number }[]) {
        if (!mine.has(l.itemId)) continue;
        const r = await ann2.request('POST', `/api/projects/${projectId}/labels`, { leaseId: l.leaseId, itemId: l.itemId, label: second, clientKey: `e2e-review-2-${l.leaseId}` });
        expect(r.status).toBe(200);
        return l.itemId;
      }
      await ann2.request('POST', `/api/projects/${projectId}/leases/release`, { except: [] });
    }
    throw new Error('the queue dealt ann2 none of ann1\'s items as overlap');
  }

  test('a lead keeps one of two disagreeing answers by keyboard and the other annotator\'s page shows the outcome', async ({ browser }) => {
    const itemId = await dispute('3', '5');

    // ann2 has the labeling page open while the lead decides.
    const annotator = await (await browser.newContext()).newPage();
    await loginInBrowser(annotator, server.url, 'ann2@tandem.local', DEMO_PASSWORD);
    await annotator.goto(`${server.url}/projects/${projectId}/label`);
    await expect(annotator.getByTestId('labeler')).toHaveAttribute('data-live', 'true');

    const lead = await (await browser.newContext()).newPage();
    await loginInBrowser(lead, server.url, 'lead@tandem.local', DEMO_PASSWORD);
    await lead.goto(`${server.url}/projects/${projectId}/queue`);
    await lead.getByTestId('review-link').click();
    const item = lead.getByTestId('review-item');
    await expect(item).toHaveAttribute('data-item-id', String(itemId));
    await expect(item.getByTestId('review-state')).toHaveText('disputed');
    await expect(item.getByTestId('review-answer')).toHaveCount(2);
    await expect(item.getByTestId('review-answer').nth(0)).toContainText('3');
    await expect(item.getByTestId('review-answer').nth(1)).toContainText('5');
    await lead.screenshot({ path: path.join(DATA, 'review-page.png'), fullPage: true });

    await lead.keyboard.press('1');
    await expect(lead.getByTestId('review-empty')).toBeVisible();
    await expect(lead.getByTestId('review-notice')).toContainText(`Item ${itemId}`);
    // Agreement recomputed as the answers came: both annotators have a row.
    await expect(lead.getByTestId('annotator-row')).toHaveCount(2);
    await lead.screenshot({ path: path.join(DATA, 'review-decided.png'), fullPage: true });

    const notice = annotator.getByTestId('decision-notice');
    await expect(notice).toContainText(`Item ${itemId}`);
    await expect(notice).toContainText('chose 3');
    await expect(notice).toContainText('you said 5');
    await annotator.screenshot({ path: path.join(DATA, 'annotator-outcome.png') });

    // ann1's answer was kept; annotators may not see the review list.
    const kept = await ann1.request('GET', `/api/projects/${projectId}/items/${itemId}/outcome`);
    expect(kept.json.resolved).toMatchObject({ source: 'review', kept: true, who: expect.stringContaining('lead') });
    expect((await ann1.request('GET', `/api/projects/${projectId}/review`)).status).toBe(403);

    // Downloads: every answer, one row each, beside the decision; YOLO is not a format of a classification project.
    const all = await admin.request('GET', `/api/projects/${projectId}/export?format=csv&answers=all`);
    expect(all.status).toBe(200);
    expect(all.headers.get('content-disposition')).toContain('all-answers.csv');
    const lines = String(all.json).trim().split('\n');
    expect(lines.filter((l) => l.includes('ann1@tandem.local'))).toHaveLength(4);
    expect(lines.filter((l) => l.includes('ann2@tandem.local'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('lead@tandem.local') && l.includes('review'))).toHaveLength(1);
    const yolo = await admin.request('GET', `/api/projects/${projectId}/export?format=yolo`);
    expect(yolo.status).toBe(400);
    expect(yolo.json.error.message).toContain('a classification project exports as');
  });
});
