import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '../fixtures/http-client';
import { loginInBrowser } from '../fixtures/browser';
import { seedSpatialProjects } from '../fixtures/spatial-project';
import { freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';
import type { Answer } from '../../lib/tasks';
import { COCO17 } from '../../lib/tasks/skeletons';

const DATA = path.resolve('tests/.tmp/e2e-review-draw');
const PASSWORD = 'review-draw-password';
const W = 200;
const H = 150;
type Pt = { x: number; y: number };
type Box = { class: string; x: number; y: number; w: number; h: number };

const ANN1: Box = { class: 'car', x: 20, y: 30, w: 60, h: 40 };
const ANN2: Box = { class: 'car', x: 120, y: 90, w: 50, h: 40 };
/** The imported prelabel of every image: the review page draws it beside the answers. */
const PRE_BOX: Box = { class: 'car', x: 60, y: 50, w: 55, h: 40 };
const PRELABEL: Answer = { task: 'boxes', boxes: [PRE_BOX] };

/** Two people's skeletons on the pose images: the second 50 px to the right of the first. */
const POSE = (shift: number) => ({ instances: [{ points: COCO17.keypoints.map((_, k) => ({ x: 20 + shift + 12 * (k % 5), y: 20 + 25 * Math.floor(k / 5), v: 2 })) }] });

/** The editor's image → screen transform, as the page reports it. */
async function view(page: Page) {
  const frame = page.getByTestId('spatial-canvas');
  // The mouse moves in the viewport: the editor must be on screen (the item page has it below the fold).
  await frame.scrollIntoViewIfNeeded();
  const vpt = JSON.parse((await frame.getAttribute('data-vpt'))!) as number[];
  const box = (await frame.locator('canvas').last().boundingBox())!;
  return {
    zoom: vpt[0],
    screen: (p: Pt): Pt => ({ x: Math.round(box.x + vpt[0] * p.x + vpt[4]), y: Math.round(box.y + vpt[3] * p.y + vpt[5]) }),
    image: (s: Pt): Pt => ({ x: (s.x - box.x - vpt[4]) / vpt[0], y: (s.y - box.y - vpt[5]) / vpt[3] }),
  };
}

async function drag(page: Page, from: Pt, to: Pt) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 3 });
  await page.mouse.up();
}

const shapeJson = async (page: Page, i: number) => JSON.parse((await page.getByTestId(`shape-${i}`).getAttribute('data-json'))!);

async function editorReady(page: Page) {
  const frame = page.getByTestId('spatial-canvas');
  await expect(frame).toHaveAttribute('data-draft', 'ready');
  await expect(frame).toHaveAttribute('data-image', 'drawn');
}

/**
 * Two annotators draw the car in different places; the lead opens the review page, draws the
 * answer with the annotators' editor (dragging ann1's box into place), is refused without a
 * reason, saves with one, and the item is resolved with a review version carrying the reason.
 * On the item page the lead fixes it again by drawing.
 */
test.describe('a lead draws the answer', () => {
  let server: TandemProcess;
  let projectId: number;
  let poseId: number;
  let lead: Client;
  let ann1: Client;
  let ann2: Client;

  test.beforeAll(async () => {
    fs.rmSync(DATA, { recursive: true, force: true });
    await seedSpatialProjects(DATA, {
      annotators: [
        { email: 'ann1@tandem.local', password: PASSWORD }, { email: 'ann2@tandem.local', password: PASSWORD },
        { email: 'lead@tandem.local', password: PASSWORD, role: 'lead' },
      ],
      projects: [
        { slug: 'boxes-review', task: { task: 'boxes', config: { classes: ['car', 'bus'] } }, images: 4, width: W, height: H, prelabels: new Map([0, 1, 2, 3].map((i) => [i, PRELABEL])) },
        { slug: 'pose-review', task: { task: 'keypoints', config: { category: 'person', skeleton: COCO17 } }, images: 4, width: W, height: H },
      ],
    });
    server = await startTandem({ dataDir: DATA, port: await freePort() });
    lead = await new Client(server.url).login('lead@tandem.local', PASSWORD);
    ann1 = await new Client(server.url).login('ann1@tandem.local', PASSWORD);
    ann2 = await new Client(server.url).login('ann2@tandem.local', PASSWORD);
    const listed = (await lead.request('GET', '/api/projects')).json as { id: number; slug: string }[];
    projectId = listed.find((p) => p.slug === 'boxes-review')!.id;
    poseId = listed.find((p) => p.slug === 'pose-review')!.id;
  });
  test.afterAll(async () => { await server?.stop(); });
  test.afterEach(async ({}, info) => {
    if (info.status !== info.expectedStatus) console.log(server?.output());
  });

  /** ann1 boxes every item it is dealt; ann2 is dealt overlap items until one of ann1's comes, and boxes it elsewhere. */
  async function dispute(projectId: number, first: Record<string, unknown>, second: Record<string, unknown>): Promise<{ itemId: number; ann1Answer: number }> {
    const patched = await lead.request('PATCH', `/api/projects/${projectId}/queue`, { settings: { easyShare: 0, holdoutShare: 0, overlapShare: 1, overlapK: 2 } });
    expect(patched.status, JSON.stringify(patched.json)).toBe(200);
    const mine = new Map<number, number>();
    const { json: c1 } = await ann1.request('POST', `/api/projects/${projectId}/leases`, { hold: 4 });
    for (const l of c1.leases as { leaseId: number; itemId: number }[]) {
      const r = await ann1.request('POST', `/api/projects/${projectId}/labels`, { leaseId: l.leaseId, itemId: l.itemId, answer: first, clientKey: `e2e-draw-1-${l.leaseId}` });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      mine.set(l.itemId, r.json.annotationId);
    }
    for (let round = 0; round < 10; round++) {
      const { json: c2 } = await ann2.request('POST', `/api/projects/${projectId}/leases`, { hold: 2 });
      for (const l of c2.leases as { leaseId: number; itemId: number }[]) {
        if (!mine.has(l.itemId)) continue;
        const r = await ann2.request('POST', `/api/projects/${projectId}/labels`, { leaseId: l.leaseId, itemId: l.itemId, answer: second, clientKey: `e2e-draw-2-${l.leaseId}` });
        expect(r.status, JSON.stringify(r.json)).toBe(200);
        await ann2.request('POST', `/api/projects/${projectId}/leases/release`, { except: [] });
        return { itemId: l.itemId, ann1Answer: mine.get(l.itemId)! };
      }
      await ann2.request('POST', `/api/projects/${projectId}/leases/release`, { except: [] });
    }
    throw new Error('the queue dealt ann2 none of ann1\'s items as overlap');
  }

  test('on the review page: drag a box into place, a save without a reason is refused, with one the item is resolved', async ({ browser }) => {
    const { itemId, ann1Answer } = await dispute(projectId, { boxes: [ANN1] }, { boxes: [ANN2] });
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    await loginInBrowser(page, server.url, 'lead@tandem.local', PASSWORD);
    await page.goto(`${server.url}/projects/${projectId}/review`);
    const item = page.getByTestId('review-item');
    await expect(item).toHaveAttribute('data-item-id', String(itemId));
    await expect(item.getByTestId('review-state')).toHaveText('disputed');
    await expect(item.getByTestId('review-answer')).toHaveCount(2);
    // The imported prelabel, drawn dashed beside the answers and named in words.
    await expect(item.getByTestId('review-prelabel')).toContainText('imported prelabel: 1 box: car');
    await expect(item.getByTestId('review-prelabel-marks').locator('rect')).toHaveCount(1);
    await page.screenshot({ path: path.join(DATA, 'review-with-prelabel.png'), fullPage: true });

    // D opens the editor; start from ann1's answer.
    await page.keyboard.press('d');
    await expect(page.getByTestId('draw-decision')).toBeVisible();
    await page.getByTestId('draw-start').selectOption(`a${ann1Answer}`);
    await expect(page.getByTestId('draw-decision')).toHaveAttribute('data-start', `a${ann1Answer}`);
    await editorReady(page);
    await expect.poll(() => shapeJson(page, 0)).toMatchObject({ kind: 'box', ...ANN1 });
    await page.getByTestId('draw-start').blur();

    // Drag ann1's box by its middle, 90 by 60 screen pixels.
    const v = await view(page);
    const from = v.screen({ x: ANN1.x + ANN1.w / 2, y: ANN1.y + ANN1.h / 2 });
    const to = { x: from.x + 90, y: from.y + 60 };
    await drag(page, from, to);
    const dx = v.image(to).x - v.image(from).x;
    const dy = v.image(to).y - v.image(from).y;
    await expect.poll(async () => {
      const s = await shapeJson(page, 0);
      return Math.abs(s.x - (ANN1.x + dx)) < 1e-6 && Math.abs(s.y - (ANN1.y + dy)) < 1e-6 && s.w === ANN1.w && s.h === ANN1.h;
    }).toBe(true);
    const moved = await shapeJson(page, 0);

    // The digit keys are the editor's while it is open: 2 makes the box a bus, and keeps nothing of the review list's.
    await page.keyboard.press('2');
    await expect.poll(async () => (await shapeJson(page, 0)).class).toBe('bus');
    await expect(item).toHaveAttribute('data-item-id', String(itemId));

    // Enter saves: refused without a reason, nothing stored.
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('draw-error')).toContainText('Give a reason before saving');
    await expect(page.getByTestId('draw-reason')).toBeFocused();
    await page.screenshot({ path: path.join(DATA, 'review-draw-refused.png'), fullPage: true });
    expect((await lead.request('GET', `/api/projects/${projectId}/review`)).json.items.map((x: { itemId: number }) => x.itemId)).toContain(itemId);

    await page.getByTestId('draw-reason').fill('a bus, where ann1 put it too high');
    await page.getByTestId('submit-answer').click();
    await expect(page.getByTestId('review-notice')).toContainText(`Item ${itemId}: drew 1 box: bus`);
    await expect(page.getByTestId('review-empty')).toBeVisible();
    await page.screenshot({ path: path.join(DATA, 'review-draw-saved.png'), fullPage: true });

    const detail = await lead.request('GET', `/api/projects/${projectId}/items/${itemId}`);
    expect(detail.status).toBe(200);
    expect(detail.json.item.status).toBe('resolved');
    const review = detail.json.history.filter((h: { source: string }) => h.source === 'review');
    expect(review).toHaveLength(1);
    expect(review[0]).toMatchObject({ reason: 'a bus, where ann1 put it too high', resolved: true });
    expect(review[0].answer).toEqual({ task: 'boxes', boxes: [{ class: 'bus', x: moved.x, y: moved.y, w: ANN1.w, h: ANN1.h }] });

    // The history on the item page shows the review version with its reason.
    await page.getByTestId('review-notice').waitFor();
    await page.goto(`${server.url}/projects/${projectId}/items/${itemId}`);
    const row = page.locator('[data-testid="history-row"][data-source="review"]');
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('history-reason')).toHaveText('a bus, where ann1 put it too high');

    // Fix by drawing on the item page: start from the model's guess, draw a second box, save with a reason.
    await page.getByTestId('draw-fix-open').click();
    await page.getByTestId('draw-start').selectOption('prelabel');
    await editorReady(page);
    await expect.poll(() => shapeJson(page, 0)).toMatchObject({ kind: 'box', ...PRE_BOX });
    await page.getByTestId('draw-start').blur();
    const w = await view(page);
    const a = w.screen({ x: 130, y: 20 });
    const b = w.screen({ x: 180, y: 60 });
    await drag(page, a, b);
    await expect(page.getByTestId('shape-1')).toBeVisible();
    await page.screenshot({ path: path.join(DATA, 'item-draw-fix.png'), fullPage: true });
    await page.getByTestId('draw-reason').fill('two cars: the model found one');
    await page.getByTestId('draw-reason').press('Enter');
    await expect(page.getByTestId('draw-fix-done')).toContainText('drew 2 boxes: car');
    await expect(page.locator('[data-testid="history-row"][data-source="review"]')).toHaveCount(2);
    await page.screenshot({ path: path.join(DATA, 'item-after-fix.png'), fullPage: true });
  });

  test('a skeleton: D, start from an annotator\'s, drag one keypoint into place, save with a reason', async ({ browser }) => {
    const { itemId, ann1Answer } = await dispute(poseId, POSE(0), POSE(50));
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    await loginInBrowser(page, server.url, 'lead@tandem.local', PASSWORD);
    await page.goto(`${server.url}/projects/${poseId}/review`);
    await expect(page.getByTestId('review-item')).toHaveAttribute('data-item-id', String(itemId));
    await page.getByTestId('review-draw').click();
    await page.getByTestId('draw-start').selectOption(`a${ann1Answer}`);
    await editorReady(page);
    const start = POSE(0).instances[0].points;
    await expect.poll(async () => (await shapeJson(page, 0)).points).toEqual(start);
    await page.getByTestId('draw-start').blur();

    // Drag the nose (0) by 24 by 12 screen pixels.
    const v = await view(page);
    const nose = v.screen(start[0]);
    const to = { x: nose.x + 24, y: nose.y + 12 };
    await drag(page, nose, to);
    const want = { x: start[0].x + (v.image(to).x - v.image(nose).x), y: start[0].y + (v.image(to).y - v.image(nose).y) };
    await expect.poll(async () => {
      const p = (await shapeJson(page, 0)).points[0];
      return Math.abs(p.x - want.x) < 1e-6 && Math.abs(p.y - want.y) < 1e-6 && p.v === 2;
    }).toBe(true);
    const moved = (await shapeJson(page, 0)).points[0];
    await page.screenshot({ path: path.join(DATA, 'review-draw-skeleton.png'), fullPage: true });

    await page.getByTestId('draw-reason').fill('the nose is lower');
    await page.getByTestId('submit-answer').click();
    await expect(page.getByTestId('review-notice')).toContainText(`Item ${itemId}: drew 1 skeleton`);
    const detail = await lead.request('GET', `/api/projects/${poseId}/items/${itemId}`);
    expect(detail.json.item.status).toBe('resolved');
    const review = detail.json.history.filter((h: { source: string }) => h.source === 'review');
    expect(review).toHaveLength(1);
    expect(review[0].reason).toBe('the nose is lower');
    expect(review[0].answer).toEqual({ task: 'keypoints', instances: [{ points: [moved, ...start.slice(1)] }] });
  });
});
