/**
 * npm run bench:spatial — the skeleton editor in a real Chromium against a real server on the
 * embedded database:
 * - frame times (requestAnimationFrame intervals) while dragging one point of a 17-point skeleton,
 *   and while dragging the whole skeleton (target p95 ≤ 18 ms, ≥ 55 fps);
 * - Enter → the next image drawn with its prelabel, over N submits (target p99 < 150 ms).
 * Every image carries an imported 17-point prelabel (tests/fixtures/spatial-project.ts).
 */
import path from 'node:path';
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { freePort, startTandem } from '../tests/fixtures/tandem-server';
import { launchChromium, loginInBrowser } from '../tests/fixtures/browser';
import { seedSpatialProjects } from '../tests/fixtures/spatial-project';
import { ensureBuild } from '../server/build';
import { createLogger } from '../server/log';
import { ROOT } from '../tests/fixtures/paths';
import { COCO17 } from '../lib/tasks/skeletons';
import type { Answer } from '../lib/tasks';
import { machine, percentile } from './stats';

const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 60);
const MOVES = Number(process.env.BENCH_MOVES ?? 240);
/** A pause before each Enter (an annotator looks at the image); 0 is the stress case. */
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 0);
const W = 640;
const H = 480;
const PASSWORD = 'bench-password';

/** A standing figure's 17 points around (cx, cy). */
function figure(cx: number, cy: number): Answer {
  const at: [number, number][] = [[0, -120], [-8, -128], [8, -128], [-18, -124], [18, -124], [-40, -90], [40, -90], [-55, -40], [55, -40],
    [-60, 10], [60, 10], [-25, 10], [25, 10], [-28, 80], [28, 80], [-30, 150], [30, 150]];
  return { task: 'keypoints', instances: [{ points: at.map(([dx, dy]) => ({ x: cx + dx, y: cy + dy, v: 2 as const })) }] };
}

async function frameTimes(page: Page, from: { x: number; y: number }, moves: number): Promise<number[]> {
  // A string, not a function: tsx's transform would add helpers the page does not have.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__recording = true;
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame((t) => { last = t; requestAnimationFrame(tick); });
  })()`);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  // One move per frame, as a hand would: a circle of 60 px radius around the start.
  for (let i = 1; i <= moves; i++) {
    const a = (i / 60) * 2 * Math.PI;
    await page.mouse.move(from.x + 60 * Math.sin(a), from.y + 60 * (1 - Math.cos(a)));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  }
  await page.mouse.up();
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__recording = false;
    return w.__frames.slice(2);
  });
}

async function main() {
  await ensureBuild(ROOT, createLogger('info', 'bench'));
  const dataDir = path.join(ROOT, 'bench/.tmp/spatial');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const images = SUBMITS + 10;
  await seedSpatialProjects(dataDir, {
    annotators: [{ email: 'ann1@tandem.local', password: PASSWORD }],
    projects: [{
      slug: 'pose-bench', task: { task: 'keypoints', config: { category: 'person', skeleton: COCO17 } }, images, width: W, height: H,
      prelabels: new Map(Array.from({ length: images }, (_, i) => [i, figure(W / 2 + (i % 7) * 10 - 30, H / 2 - 20)])),
    }],
  });
  const server = await startTandem({ dataDir, port: await freePort() });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await loginInBrowser(page, server.url, 'ann1@tandem.local', PASSWORD);
    await page.getByTestId('project-pose-bench').getByTestId('start-labeling').click();
    const frame = page.getByTestId('spatial-canvas');
    await frame.and(page.locator('[data-draft=ready][data-image=drawn]')).waitFor();
    const vpt = JSON.parse((await frame.getAttribute('data-vpt'))!) as number[];
    const box = (await frame.locator('canvas').last().boundingBox())!;
    const screen = (p: { x: number; y: number }) => ({ x: box.x + vpt[0] * p.x + vpt[4], y: box.y + vpt[3] * p.y + vpt[5] });
    // Without a prelabel route on the server the draft starts empty: place the figure by hand (N, then 17 clicks).
    const prelabelled = await page.getByTestId('shape-0').isVisible();
    if (!prelabelled) {
      await page.keyboard.press('n');
      const fig = figure(W / 2, H / 2 - 20);
      for (const p of fig.task === 'keypoints' ? fig.instances[0].points : []) {
        const s = screen(p);
        await page.mouse.click(s.x, s.y);
      }
      await page.getByTestId('shape-0').waitFor();
    }
    const shape = JSON.parse((await page.getByTestId('shape-0').getAttribute('data-json'))!) as { points: { x: number; y: number }[] };

    const onePoint = await frameTimes(page, screen(shape.points[9]), MOVES);
    // The dashed area between the hips: no point there, so the drag takes the whole skeleton.
    const whole = await frameTimes(page, screen({ x: shape.points[11].x + 12, y: shape.points[11].y + 30 }), MOVES);

    for (let i = 0; i < SUBMITS; i++) {
      const item = await frame.getAttribute('data-item-id');
      if (THINK_MS) await page.waitForTimeout(THINK_MS);
      await page.keyboard.press('Enter');
      await page.waitForFunction((old) => {
        const f = document.querySelector('[data-testid=spatial-canvas]');
        return f?.getAttribute('data-item-id') !== old && f?.getAttribute('data-image') === 'drawn';
      }, item);
    }
    await page.waitForFunction(() => (window.__tandemSpatial?.drawnMs.length ?? 0) >= 1 && !document.querySelector('[data-testid=pending-count]'));
    const drawn = await page.evaluate(() => window.__tandemSpatial!.drawnMs);
    // Enter → the next item on screen at all (the lease queue's part; components/labeling/loop): beside `drawn`, it tells the queue's wait from the page's.
    const shown = await page.evaluate(() => window.__tandem?.shownMs ?? []);
    if (process.env.BENCH_VERBOSE) {
      console.error('drawn', [...drawn].sort((a, b) => a - b).map((x) => x.toFixed(0)).join(' '));
      console.error('shown', [...shown].sort((a, b) => a - b).map((x) => x.toFixed(0)).join(' '));
    }
    const stats = (xs: number[]) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95), p99: percentile(xs, 99), fps: 1000 / (xs.reduce((a, b) => a + b, 0) / xs.length), frames: xs.length });
    const row = {
      dragOnePoint: stats(onePoint), dragWholeSkeleton: stats(whole),
      nextDrawn: { p50: percentile(drawn, 50), p99: percentile(drawn, 99), samples: drawn.length },
      nextItemOnScreen: { p50: percentile(shown, 50), p99: percentile(shown, 99), samples: shown.length },
      prelabelsServed: prelabelled, thinkMs: THINK_MS,
      date: new Date().toISOString(), machine: machine(),
    };
    console.log(JSON.stringify(row, null, 2));
    const f = (x: number) => x.toFixed(1);
    console.log(`| ${row.date.slice(0, 10)} | ${f(row.dragOnePoint.p95)} / ${f(row.dragOnePoint.fps)} | ${f(row.dragWholeSkeleton.p95)} / ${f(row.dragWholeSkeleton.fps)} | ${f(row.nextDrawn.p50)} / ${f(row.nextDrawn.p99)} (${drawn.length}) | ${row.machine} |`);
  } finally {
    await browser.close();
    await server.stop('SIGKILL');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
