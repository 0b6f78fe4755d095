import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import fs from 'node:fs';
import { freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';
import { loginInBrowser } from '../fixtures/browser';
import { Client } from '../fixtures/http-client';
import { seedSpatialProjects, storedAnswers } from '../fixtures/spatial-project';
import { COCO17 } from '../../lib/tasks/skeletons';
import type { Answer } from '../../lib/tasks';
import { flipPoints } from '../../lib/tasks/drafts';

const DATA = path.resolve('tests/.tmp/e2e-spatial');
const PASSWORD = 'spatial-password';
const W = 200;
const H = 150;

type Pt = { x: number; y: number };

/** An imported prelabel: one skeleton with its 17 points on a grid, all visible. */
const PRELABEL_POINTS = COCO17.keypoints.map((_, k) => ({ x: 40 + 20 * (k % 6), y: 30 + 40 * Math.floor(k / 6), v: 2 as const }));
const PRELABEL: Answer = { task: 'keypoints', instances: [{ points: PRELABEL_POINTS }] };
/** Two skeletons side by side on one image, their hulls apart. */
const LEFT_POINTS = COCO17.keypoints.map((_, k) => ({ x: 10 + 12 * (k % 6), y: 20 + 30 * Math.floor(k / 6), v: 2 as const }));
const RIGHT_POINTS = COCO17.keypoints.map((_, k) => ({ x: 110 + 12 * (k % 6), y: 40 + 30 * Math.floor(k / 6), v: 2 as const }));
const TWO_SKELETONS: Answer = { task: 'keypoints', instances: [{ points: LEFT_POINTS }, { points: RIGHT_POINTS }] };

/** The canvas's image → screen transform as the page reports it, and where the canvas is on the page. */
async function view(page: Page) {
  const frame = page.getByTestId('spatial-canvas');
  const vpt = JSON.parse((await frame.getAttribute('data-vpt'))!) as number[];
  const box = (await frame.locator('canvas').last().boundingBox())!;
  return {
    vpt,
    /** The whole screen pixel nearest to an image point (the mouse moves in whole pixels). */
    screen: (p: Pt): Pt => ({ x: Math.round(box.x + vpt[0] * p.x + vpt[4]), y: Math.round(box.y + vpt[3] * p.y + vpt[5]) }),
    /** The image point under a screen pixel: what the editor must store for a gesture ending there. */
    image: (s: Pt): Pt => ({ x: (s.x - box.x - vpt[4]) / vpt[0], y: (s.y - box.y - vpt[5]) / vpt[3] }),
  };
}

async function openProject(page: Page, slug: string) {
  await page.getByTestId(`project-${slug}`).getByTestId('start-labeling').click();
  await expectReady(page);
}

async function expectReady(page: Page) {
  const frame = page.getByTestId('spatial-canvas');
  await expect(frame).toHaveAttribute('data-draft', 'ready');
  await expect(frame).toHaveAttribute('data-image', 'drawn');
  await expect(frame).not.toHaveAttribute('data-prelabel', 'loading');
}

/** Zooms to exactly 200 %: actual pixels (0), then one step in (+). */
async function zoom200(page: Page) {
  await page.keyboard.press('0');
  await page.keyboard.press('=');
  await expect(page.getByTestId('spatial-canvas')).toHaveAttribute('data-zoom', '2');
}

async function drag(page: Page, from: Pt, to: Pt) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 3 });
  await page.mouse.up();
}

const shapeJson = async (page: Page, i: number) => JSON.parse((await page.getByTestId(`shape-${i}`).getAttribute('data-json'))!);

test.describe('the box and skeleton editor', () => {
  let server: TandemProcess;
  let port: number;

  test.beforeAll(async () => {
    fs.rmSync(DATA, { recursive: true, force: true });
    await seedSpatialProjects(DATA, {
      annotators: [
        { email: 'ann1@tandem.local', password: PASSWORD },
        { email: 'ann2@tandem.local', password: PASSWORD },
        { email: 'lead@tandem.local', password: PASSWORD, role: 'lead' },
      ],
      projects: [
        { slug: 'boxes-e2e', task: { task: 'boxes', config: { classes: ['car', 'person'] } }, images: 3, width: W, height: H },
        { slug: 'pose-e2e', task: { task: 'keypoints', config: { category: 'person', skeleton: COCO17 } }, images: 3, width: W, height: H },
        { slug: 'boxes-gestures', task: { task: 'boxes', config: { classes: ['car', 'person'] } }, images: 2, width: W, height: H },
        { slug: 'boxes-undo', task: { task: 'boxes', config: { classes: ['car', 'person'] } }, images: 3, width: W, height: H },
        {
          slug: 'pose-two', task: { task: 'keypoints', config: { category: 'person', skeleton: COCO17 } }, images: 2, width: W, height: H,
          prelabels: new Map([0, 1].map((i) => [i, TWO_SKELETONS])),
        },
        {
          slug: 'pose-handover', task: { task: 'keypoints', config: { category: 'person', skeleton: COCO17 } }, images: 1, width: W, height: H,
          prelabels: new Map([[0, PRELABEL]]),
        },
        {
          slug: 'pose-prelabeled', task: { task: 'keypoints', config: { category: 'person', skeleton: COCO17 } }, images: 3, width: W, height: H,
          prelabels: new Map([0, 1, 2].map((i) => [i, PRELABEL])),
        },
      ],
    });
    port = await freePort();
    server = await startTandem({ dataDir: DATA, port });
  });
  test.afterAll(async () => {
    await server?.stop();
  });
  test.afterEach(async ({}, info) => {
    // What the server said, when a test failed (the page's view of it is in the error context).
    if (info.status !== info.expectedStatus) console.log(server?.output());
  });

  test('a box drawn at 200 % is stored in exact image pixels, and the draft survives a reload and a server restart', async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginInBrowser(page, server.url, 'ann1@tandem.local', PASSWORD);
    await openProject(page, 'boxes-e2e');
    const item = await page.getByTestId('spatial-canvas').getAttribute('data-item-id');
    await zoom200(page);
    const v = await view(page);
    const from = v.screen({ x: 20.5, y: 30 });
    const to = v.screen({ x: 81, y: 70.5 });
    await drag(page, from, to);
    const a = v.image(from);
    const b = v.image(to);
    const drawn = { x: a.x, y: a.y, w: b.x - a.x, h: b.y - a.y };
    await expect.poll(() => shapeJson(page, 0)).toMatchObject({ kind: 'box', class: 'car', ...drawn });

    // The box is selected after drawing: 2 makes it a person, Shift+→ moves it 10 px.
    await page.keyboard.press('2');
    await page.keyboard.press('Shift+ArrowRight');
    const edited = { class: 'person', x: drawn.x + 10, y: drawn.y, w: drawn.w, h: drawn.h };
    await expect.poll(() => shapeJson(page, 0)).toMatchObject(edited);
    await page.screenshot({ path: path.join(DATA, 'boxes.png') });

    await page.reload();
    await expectReady(page);
    await expect(page.getByTestId('spatial-canvas')).toHaveAttribute('data-item-id', item!);
    await expect.poll(() => shapeJson(page, 0)).toMatchObject(edited);

    // With the page still open (its Yjs socket too): the server stops, and the page's draft is in the database.
    expect(await server.stop()).toBe(0);
    server = await startTandem({ dataDir: DATA, port });
    await page.reload();
    await expectReady(page);
    await expect(page.getByTestId('spatial-canvas')).toHaveAttribute('data-item-id', item!);
    await expect.poll(() => shapeJson(page, 0)).toMatchObject(edited);

    await page.keyboard.press('Enter');
    await expect(page.getByTestId('spatial-canvas')).not.toHaveAttribute('data-item-id', item!);
    await expect(page.getByTestId('pending-count')).toHaveCount(0);
    await context.close();

    expect(await server.stop()).toBe(0);
    const stored = (await storedAnswers(DATA)).filter((r) => String(r.itemId) === item);
    server = await startTandem({ dataDir: DATA, port });
    expect(stored).toHaveLength(1);
    expect(stored[0].payload).toEqual({ task: 'boxes', boxes: [edited] });
    expect(stored[0].edit).toMatchObject({ added: 1, deleted: 0 });
  });

  test('a skeleton placed point by point, one keypoint dragged and one made occluded, is stored as placed at 200 %', async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginInBrowser(page, server.url, 'ann1@tandem.local', PASSWORD);
    await openProject(page, 'pose-e2e');
    const item = await page.getByTestId('spatial-canvas').getAttribute('data-item-id');
    await zoom200(page);
    const v = await view(page);

    await page.keyboard.press('n');
    const placed: Pt[] = [];
    for (let k = 0; k < 17; k++) {
      await expect(page.getByTestId('next-point')).toContainText(COCO17.keypoints[k].replaceAll('_', ' '));
      const s = v.screen({ x: 30 + 20 * (k % 6) + 0.25, y: 25 + 40 * Math.floor(k / 6) });
      await page.mouse.click(s.x, s.y);
      placed.push(v.image(s));
    }
    await expect(page.getByTestId('next-point')).toHaveCount(0);
    await expect.poll(async () => (await shapeJson(page, 0)).points.filter((p: { v: number }) => p.v === 2).length).toBe(17);

    // Drag the left wrist (9) by 13 by 7 screen pixels: 6.5 by 3.5 image pixels at 200 %.
    const wrist = v.screen(placed[9]);
    await drag(page, wrist, { x: wrist.x + 13, y: wrist.y + 7 });
    const moved = { x: placed[9].x + 6.5, y: placed[9].y + 3.5 };
    await expect.poll(async () => (await shapeJson(page, 0)).points[9]).toEqual({ ...moved, v: 2 });

    // Select the right knee (14) and press V: visible → occluded.
    const knee = v.screen(placed[14]);
    await page.mouse.click(knee.x, knee.y);
    await expect(page.getByTestId('selected-point')).toContainText('right knee');
    await page.keyboard.press('v');
    await expect(page.getByTestId('selected-point')).toContainText('occluded');
    await page.screenshot({ path: path.join(DATA, 'skeleton.png') });

    // Undo and redo the visibility change.
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await shapeJson(page, 0)).points[14].v).toBe(2);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await shapeJson(page, 0)).points[14].v).toBe(1);

    await page.keyboard.press('Enter');
    await expect(page.getByTestId('spatial-canvas')).not.toHaveAttribute('data-item-id', item!);
    await expect(page.getByTestId('pending-count')).toHaveCount(0);
    await context.close();

    expect(await server.stop()).toBe(0);
    const stored = (await storedAnswers(DATA)).filter((r) => String(r.itemId) === item);
    server = await startTandem({ dataDir: DATA, port });
    expect(stored).toHaveLength(1);
    const want = placed.map((p, k) => (k === 9 ? { ...moved, v: 2 } : { ...p, v: k === 14 ? 1 : 2 }));
    expect(stored[0].payload).toEqual({ task: 'keypoints', instances: [{ points: want }] });
    expect(stored[0].edit).toMatchObject({ added: 1, deleted: 0 });
  });

  test('the prelabel is drawn as the starting point; Enter accepts it, and the edit from it is recorded', async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginInBrowser(page, server.url, 'ann1@tandem.local', PASSWORD);
    await openProject(page, 'pose-prelabeled');
    const first = await page.getByTestId('spatial-canvas').getAttribute('data-item-id');
    await expect(page.getByTestId('shape-0')).toContainText('(prelabel)');
    expect((await shapeJson(page, 0)).points).toEqual(PRELABEL_POINTS);
    await zoom200(page);
    const v = await view(page);

    // Drag the nose 10 by 4 screen pixels: 5 by 2 image pixels at 200 %.
    const nose = v.screen(PRELABEL_POINTS[0]);
    await drag(page, nose, { x: nose.x + 10, y: nose.y + 4 });
    // The point keeps where it was grabbed: it moves by the pointer's movement over the zoom.
    const moved = { x: PRELABEL_POINTS[0].x + 5, y: PRELABEL_POINTS[0].y + 2 };
    await expect.poll(async () => (await shapeJson(page, 0)).points[0]).toEqual({ ...moved, v: 2 });
    await page.keyboard.press('Enter');

    // The next image comes with its own prelabel; Enter accepts it unchanged.
    await expect(page.getByTestId('spatial-canvas')).not.toHaveAttribute('data-item-id', first!);
    await expectReady(page);
    const second = await page.getByTestId('spatial-canvas').getAttribute('data-item-id');
    await expect(page.getByTestId('shape-0')).toContainText('(prelabel)');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('spatial-canvas')).not.toHaveAttribute('data-item-id', second!);
    await expect(page.getByTestId('pending-count')).toHaveCount(0);
    await context.close();

    expect(await server.stop()).toBe(0);
    const stored = await storedAnswers(DATA);
    server = await startTandem({ dataDir: DATA, port });
    const one = stored.filter((r) => String(r.itemId) === first);
    const two = stored.filter((r) => String(r.itemId) === second);
    expect(one[0].payload).toEqual({ task: 'keypoints', instances: [{ points: [{ ...moved, v: 2 }, ...PRELABEL_POINTS.slice(1)] }] });
    expect(one[0].edit).toMatchObject({ prelabel: 'import', pointsMoved: 1, added: 0, deleted: 0 });
    expect((one[0].edit as { meanShiftPx: number }).meanShiftPx).toBeCloseTo(Math.hypot(moved.x - PRELABEL_POINTS[0].x, moved.y - PRELABEL_POINTS[0].y), 9);
    expect(two[0].payload).toEqual(PRELABEL);
    expect(two[0].edit).toMatchObject({ prelabel: 'import', pointsMoved: 0, meanShiftPx: 0, added: 0, deleted: 0 });
  });

  test('a box resized by its handle, duplicated (D) and the copy deleted; wheel zoom at the cursor, Space-drag pan and F; the draft survives SIGKILL', async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginInBrowser(page, server.url, 'ann1@tandem.local', PASSWORD);
    await openProject(page, 'boxes-gestures');
    const frame = page.getByTestId('spatial-canvas');
    const item = await frame.getAttribute('data-item-id');
    await zoom200(page);
    let v = await view(page);
    const from = v.screen({ x: 20, y: 30 });
    const to = v.screen({ x: 80, y: 70 });
    await drag(page, from, to);
    const a = v.image(from);
    const b = v.image(to);
    const drawn = { x: a.x, y: a.y, w: b.x - a.x, h: b.y - a.y };
    await expect.poll(() => shapeJson(page, 0)).toMatchObject({ kind: 'box', ...drawn });

    // The bottom-right handle sits on the box's outer corner (half the 2-pixel stroke outside): 20 by 10 screen pixels = 10 by 5 image pixels.
    const corner = v.screen({ x: drawn.x + drawn.w, y: drawn.y + drawn.h });
    const handle = { x: corner.x + 1, y: corner.y + 1 };
    await drag(page, handle, { x: handle.x + 20, y: handle.y + 10 });
    const resized = { x: drawn.x, y: drawn.y, w: drawn.w + 10, h: drawn.h + 5 };
    await expect.poll(async () => rounded(await shapeJson(page, 0))).toMatchObject(resized);

    // D copies the selected box 10 px down and right, and selects the copy; Delete removes the copy.
    await page.keyboard.press('d');
    await expect.poll(async () => rounded(await shapeJson(page, 1))).toMatchObject({ kind: 'box', class: 'car', x: resized.x + 10, y: resized.y + 10, w: resized.w, h: resized.h });
    await page.keyboard.press('Delete');
    await expect(page.getByTestId('shape-1')).toHaveCount(0);
    await expect.poll(async () => rounded(await shapeJson(page, 0))).toMatchObject(resized);

    // The wheel zooms about the cursor: the image point under it stays under it (to the whole-pixel translation).
    const at = v.screen({ x: 100, y: 75 });
    await page.mouse.move(at.x, at.y);
    const under = v.image(at);
    await page.mouse.wheel(0, -200);
    await expect(frame).toHaveAttribute('data-zoom', '4');
    v = await view(page);
    expect(Math.abs(v.image(at).x - under.x)).toBeLessThanOrEqual(0.5 / 4);
    expect(Math.abs(v.image(at).y - under.y)).toBeLessThanOrEqual(0.5 / 4);

    // Space + drag pans by the pointer's movement and draws nothing.
    const before = v.vpt;
    await page.keyboard.down('Space');
    await drag(page, at, { x: at.x + 30, y: at.y + 20 });
    await page.keyboard.up('Space');
    await expect.poll(async () => JSON.parse((await frame.getAttribute('data-vpt'))!)).toEqual([4, 0, 0, 4, before[4] + 30, before[5] + 20]);
    await expect(page.getByTestId('shape-1')).toHaveCount(0);

    // F fits the whole image, centred, at 96 % of the frame.
    await page.keyboard.press('f');
    const size = (await frame.locator('canvas').last().boundingBox())!;
    const z = Math.min(Math.floor(size.width) / W, Math.floor(size.height) / H) * 0.96;
    await expect.poll(async () => JSON.parse((await frame.getAttribute('data-vpt'))!)[0]).toBeCloseTo(z, 9);
    const fitted = JSON.parse((await frame.getAttribute('data-vpt'))!) as number[];
    expect(Math.abs(fitted[4] - (Math.floor(size.width) - W * z) / 2)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(fitted[5] - (Math.floor(size.height) - H * z) / 2)).toBeLessThanOrEqual(0.5);

    // The server is killed mid-edit (no shutdown): the draft's updates were written as they came.
    await page.reload();
    await expectReady(page);
    await expect.poll(async () => rounded(await shapeJson(page, 0))).toMatchObject(resized);
    await server.stop('SIGKILL');
    server = await startTandem({ dataDir: DATA, port });
    await page.reload();
    await expectReady(page);
    await expect(frame).toHaveAttribute('data-item-id', item!);
    await expect.poll(async () => rounded(await shapeJson(page, 0))).toMatchObject(resized);
    await expect(page.getByTestId('shape-1')).toHaveCount(0);

    await page.keyboard.press('Enter');
    await expect(frame).not.toHaveAttribute('data-item-id', item!);
    await expect(page.getByTestId('pending-count')).toHaveCount(0);
    await context.close();

    expect(await server.stop()).toBe(0);
    const stored = (await storedAnswers(DATA)).filter((r) => String(r.itemId) === item);
    server = await startTandem({ dataDir: DATA, port });
    expect(stored).toHaveLength(1);
    expect(rounded(stored[0].payload)).toEqual({ task: 'boxes', boxes: [{ class: 'car', ...resized }] });
  });

  test('two skeletons on one image: one dragged whole, the other flipped left/right with L', async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginInBrowser(page, server.url, 'ann1@tandem.local', PASSWORD);
    await openProject(page, 'pose-two');
    const item = await page.getByTestId('spatial-canvas').getAttribute('data-item-id');
    expect((await shapeJson(page, 0)).points).toEqual(LEFT_POINTS);
    expect((await shapeJson(page, 1)).points).toEqual(RIGHT_POINTS);
    const v = await view(page);
    const z = v.vpt[0];

    // Grab the right skeleton's hull between its points and drag it 15 by 9 screen pixels.
    const grab = v.screen({ x: 116, y: 55 });
    await drag(page, grab, { x: grab.x + 15, y: grab.y + 9 });
    const moved = RIGHT_POINTS.map((p) => ({ x: p.x + 15 / z, y: p.y + 9 / z, v: 2 }));
    await expect.poll(async () => rounded((await shapeJson(page, 1)).points)).toEqual(rounded(moved));
    expect((await shapeJson(page, 0)).points).toEqual(LEFT_POINTS);

    // Select the left skeleton by its hull and flip it: each left/right pair swaps its points.
    const hull = v.screen({ x: 16, y: 35 });
    await page.mouse.click(hull.x, hull.y);
    await page.keyboard.press('l');
    const flipped = flipPoints(COCO17, LEFT_POINTS);
    await expect.poll(async () => (await shapeJson(page, 0)).points).toEqual(flipped);
    expect(flipped[1]).toEqual(LEFT_POINTS[2]); // left eye ← right eye
    expect(rounded((await shapeJson(page, 1)).points)).toEqual(rounded(moved));

    await page.keyboard.press('Enter');
    await expect(page.getByTestId('spatial-canvas')).not.toHaveAttribute('data-item-id', item!);
    await expect(page.getByTestId('pending-count')).toHaveCount(0);
    await context.close();

    expect(await server.stop()).toBe(0);
    const stored = (await storedAnswers(DATA)).filter((r) => String(r.itemId) === item);
    server = await startTandem({ dataDir: DATA, port });
    expect(stored).toHaveLength(1);
    expect(rounded(stored[0].payload)).toEqual(rounded({ task: 'keypoints', instances: [{ points: flipped }, { points: moved }] }));
  });

  test('undo of the last label re-opens the item as submitted; the seconds spent before a reload are counted', async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginInBrowser(page, server.url, 'ann1@tandem.local', PASSWORD);
    await openProject(page, 'boxes-undo');
    const frame = page.getByTestId('spatial-canvas');
    const first = await frame.getAttribute('data-item-id');
    await zoom200(page);
    let v = await view(page);
    const from = v.screen({ x: 30, y: 40 });
    const to = v.screen({ x: 70, y: 90 });
    await drag(page, from, to);
    const box = { class: 'car', x: v.image(from).x, y: v.image(from).y, w: v.image(to).x - v.image(from).x, h: v.image(to).y - v.image(from).y };
    await expect.poll(() => shapeJson(page, 0)).toMatchObject(box);
    await page.keyboard.press('Enter');
    await expect(frame).not.toHaveAttribute('data-item-id', first!);
    await expect(page.getByTestId('pending-count')).toHaveCount(0);

    await page.getByRole('button', { name: /Undo last label/ }).click();
    await expect(frame).toHaveAttribute('data-item-id', first!);
    await expectReady(page);
    await expect.poll(() => shapeJson(page, 0)).toMatchObject(box);
    await expect(page.getByTestId('shape-1')).toHaveCount(0);
    const nextShownFrom = Date.now();
    await page.keyboard.press('Enter');
    await expect(frame).not.toHaveAttribute('data-item-id', first!);
    await expect(page.getByTestId('pending-count')).toHaveCount(0);

    // The next item: edits in one page view, then a reload, then Enter.
    await expectReady(page);
    const second = await frame.getAttribute('data-item-id');
    const readyAt = Date.now();
    await zoom200(page);
    v = await view(page);
    const p0 = v.screen({ x: 20, y: 20 });
    const p1 = v.screen({ x: 60, y: 50 });
    await drag(page, p0, p1);
    const x0 = v.image(p0).x;
    await expect.poll(async () => (await shapeJson(page, 0)).x).toBe(x0);
    const lastEditAt = Date.now();
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await shapeJson(page, 0)).x).toBe(x0 + 1);
    const reloadAt = Date.now();
    await page.reload();
    await expectReady(page);
    await expect(frame).toHaveAttribute('data-item-id', second!);
    await expect.poll(async () => (await shapeJson(page, 0)).x).toBe(x0 + 1);
    // The draft brought the first view's seconds, up to its last edit (made after lastEditAt), and no more.
    const before = Number(await frame.getAttribute('data-seconds-before'));
    expect(before).toBeGreaterThanOrEqual((lastEditAt - readyAt) / 1000);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThanOrEqual((reloadAt - nextShownFrom) / 1000);
    await page.keyboard.press('Enter');
    await expect(frame).not.toHaveAttribute('data-item-id', second!);
    const submittedBy = Date.now();
    await expect(page.getByTestId('pending-count')).toHaveCount(0);
    await context.close();

    expect(await server.stop()).toBe(0);
    const stored = await storedAnswers(DATA);
    server = await startTandem({ dataDir: DATA, port });
    const one = stored.filter((r) => String(r.itemId) === first);
    expect(one).toHaveLength(2);
    expect(one[1].payload).toEqual(one[0].payload);
    expect(one[1].payload).toEqual({ task: 'boxes', boxes: [box] });
    const two = stored.filter((r) => String(r.itemId) === second);
    expect(two).toHaveLength(1);
    // Both views: the share the draft brought from the first, and the second (which began after reloadAt).
    const seconds = (two[0].edit as { seconds: number }).seconds;
    expect(seconds).toBeGreaterThan(before);
    expect(seconds - before).toBeLessThanOrEqual((submittedBy - reloadAt) / 1000);
  });

  test("an item handed to the next annotator starts from its prelabel, not from the last one's half-done draft", async ({ browser }) => {
    const first = await browser.newContext();
    const page = await first.newPage();
    await loginInBrowser(page, server.url, 'ann1@tandem.local', PASSWORD);
    await openProject(page, 'pose-handover');
    const item = await page.getByTestId('spatial-canvas').getAttribute('data-item-id');
    const projectId = Number(/\/projects\/(\d+)\//.exec(page.url())![1]);
    const v = await view(page);
    const nose = v.screen(PRELABEL_POINTS[0]);
    await drag(page, nose, { x: nose.x + 12, y: nose.y + 6 });
    await expect.poll(async () => (await shapeJson(page, 0)).points[0]).not.toEqual(PRELABEL_POINTS[0]);
    // Reloaded, the draft is ann1's own: it is on the server.
    await page.reload();
    await expectReady(page);
    await expect.poll(async () => (await shapeJson(page, 0)).points[0]).not.toEqual(PRELABEL_POINTS[0]);
    await first.close();

    // A lead takes the item back (as an expired lease would) and ann2 is dealt it.
    const lead = await new Client(server.url).login('lead@tandem.local', PASSWORD);
    const holds = await lead.request('GET', `/api/projects/${projectId}/queue/holds`);
    const lease = holds.json.holders.flatMap((h: { leases: { leaseId: number; itemId: number }[] }) => h.leases).find((l: { itemId: number }) => String(l.itemId) === item);
    expect((await lead.request('DELETE', `/api/projects/${projectId}/leases/${lease.leaseId}`)).status).toBe(200);

    const second = await browser.newContext();
    const other = await second.newPage();
    await loginInBrowser(other, server.url, 'ann2@tandem.local', PASSWORD);
    await openProject(other, 'pose-handover');
    await expect(other.getByTestId('spatial-canvas')).toHaveAttribute('data-item-id', item!);
    await expect(other.getByTestId('shape-0')).toContainText('(prelabel)');
    expect((await shapeJson(other, 0)).points).toEqual(PRELABEL_POINTS);
    await second.close();
  });
});

/** Coordinates rounded to 1e-6 px: what fabric computed through a transform may differ in the last bits. */
function rounded<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, x) => (typeof x === 'number' ? Math.round(x * 1e6) / 1e6 : x)));
}
