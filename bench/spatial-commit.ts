/**
 * npm run bench:spatial-commit — a keypoint answer's commit round trip (POST …/labels → the
 * acknowledgement, the 17-point COCO skeleton checked against the project and the image), p50/p99
 * over N answers from one logged-in client against a real server on the embedded database, beside
 * the same figure for class labels in the same run. Each answer is sent after the previous one is
 * acknowledged, as an annotator does; the claim that leases the item is not timed.
 */
import path from 'node:path';
import fs from 'node:fs';
import type { APIRequestContext } from '@playwright/test';
import { DEMO_PASSWORD, freePort, startTandem } from '../tests/fixtures/tandem-server';
import { launchChromium, loginInBrowser } from '../tests/fixtures/browser';
import { ensureBuild } from '../server/build';
import { createLogger } from '../server/log';
import { COCO17 } from '../lib/tasks/skeletons';
import { ROOT } from '../tests/fixtures/paths';
import { machine, percentile } from './stats';

const N = Number(process.env.BENCH_ANSWERS ?? 200);

type Lease = { leaseId: number; itemId: number; width: number | null; height: number | null };

async function timedAnswers(api: APIRequestContext, base: string, projectId: number, answerOf: (l: Lease, i: number) => Record<string, unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < N; i++) {
    const claim = await api.post(`${base}/api/projects/${projectId}/leases`, { data: { hold: 1 } });
    const { leases } = (await claim.json()) as { leases: Lease[] };
    if (!leases.length) throw new Error(`the queue of project ${projectId} ran dry after ${i} answers`);
    const l = leases[0];
    const t0 = performance.now();
    const res = await api.post(`${base}/api/projects/${projectId}/labels`, { data: { leaseId: l.leaseId, itemId: l.itemId, clientKey: `bench-${projectId}-${i}-${Date.now()}`, ...answerOf(l, i) } });
    await res.body();
    ms.push(performance.now() - t0);
    if (!res.ok()) throw new Error(`answer ${i} refused: ${res.status()} ${await res.text()}`);
  }
  return ms;
}

async function main() {
  await ensureBuild(ROOT, createLogger('info', 'bench'));
  const dataDir = path.join(ROOT, 'bench/.tmp/spatial-commit');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const server = await startTandem({ dataDir, port: await freePort(), env: { TANDEM_DEMO_LIMIT: String(N + 100), TANDEM_DEMO_POSES: String(N + 50) } });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await loginInBrowser(page, server.url, 'ann1@tandem.local', DEMO_PASSWORD);
    const api = page.context().request;
    const projects = (await (await api.get(`${server.url}/api/projects`)).json()) as { id: number; slug: string }[];
    const poses = projects.find((p) => p.slug === 'poses-demo')!;
    const digits = projects.find((p) => p.slug === 'mnist-demo')!;
    const keypoints = await timedAnswers(api, server.url, poses.id, (l, i) => ({
      answer: { instances: [{ points: COCO17.keypoints.map((_, k) => ({ x: ((k * 13 + i) % (l.width ?? 100)), y: ((k * 7 + i) % (l.height ?? 100)), v: k === 3 ? 0 : 2 })) }] },
      edit: { prelabel: 'none', seconds: 4.2, pointsMoved: 0, meanShiftPx: 0, added: 1, deleted: 0 },
    }));
    const classes = await timedAnswers(api, server.url, digits.id, (_l, i) => ({ label: String(i % 10) }));
    const row = {
      answers: N,
      keypointP50: percentile(keypoints, 50), keypointP99: percentile(keypoints, 99),
      classP50: percentile(classes, 50), classP99: percentile(classes, 99),
      date: new Date().toISOString(), machine: machine(), database: 'pglite',
    };
    console.log(JSON.stringify(row, null, 2));
    const f = (x: number) => x.toFixed(1);
    console.log(`| ${row.date.slice(0, 10)} | ${N} | ${f(row.keypointP50)} / ${f(row.keypointP99)} | ${f(row.classP50)} / ${f(row.classP99)} | ${row.machine} |`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
