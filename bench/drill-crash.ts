/**
 * npm run drill:crash — kill -9 the server under annotator load, restart it,
 * and check that nothing acknowledged was lost and no item was dealt twice.
 *
 * One server on Postgres (a fresh database on BENCH_DATABASE_URL or
 * TEST_DATABASE_URL) with a synthetic pool of DRILL_POOL (100,000) items and
 * an applied ranking; DRILL_ANNOTATORS (50) annotators loop claim → label →
 * claim over HTTP with a socket.io connection each. DRILL_RUNS (20) times:
 * after a random 2–5 s of load, SIGKILL the server process, count active
 * double leases (exclusive streams) while it is down, restart it on the same
 * port and data folder, and time kill → first answered request. Clients keep
 * going through the outage: a label without an answer is retried with its
 * client key, as the page's outbox does; only HTTP 200 with committed: true
 * counts as acknowledged. At the end, acknowledged labels are compared with
 * the annotations stored (by user and client key).
 *
 * Exit 1 when a label was lost, stored twice, or an item was leased twice.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../db/client';
import { buildIsStale, ensureBuild } from '../server/build';
import { createLogger } from '../server/log';
import { freePort, startTandem, type TandemProcess } from '../tests/fixtures/tandem-server';
import { createPostgresDatabase } from '../tests/fixtures/database';
import { ROOT } from '../tests/fixtures/paths';
import { closeAnnotator, connectAnnotator, pidOfPort, rssMiB, runAnnotator, type Ack, type Annotator } from './load';
import { seedPool } from './seed-pool';
import { machine, percentile } from './stats';

const env = (k: string, d: number) => Number(process.env[k] ?? d);
const RUNS = env('DRILL_RUNS', 20);
const POOL = env('DRILL_POOL', 100_000);
const ANNOTATORS = env('DRILL_ANNOTATORS', 50);
const LOAD_MIN_S = env('DRILL_LOAD_MIN_S', 2);
const LOAD_MAX_S = env('DRILL_LOAD_MAX_S', 5);
const HOLD = env('DRILL_HOLD', 3);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rows = <T>(r: unknown): T[] => ((r as { rows?: T[] }).rows ?? (r as T[]));
function log(s: string) { process.stderr.write(s + '\n'); }

/** Active leases sharing an item outside the streams that copy on purpose (overlap, gold). */
async function doubleLeases(db: Database): Promise<number> {
  const [r] = rows<{ n: number }>(await db.db.execute(sql`select count(*)::int as n from (
    select item_id from leases where state = 'active' and stream not in ('overlap', 'gold') group by item_id having count(*) > 1) x`));
  return Number(r.n);
}

/** Acknowledged labels missing from the database, and stored annotations per (user, client key) beyond one. */
async function compare(db: Database, projectId: number, acks: Ack[]) {
  const stored = rows<{ email: string; client_key: string; n: number }>(await db.db.execute(sql`
    select u.email, a.client_key, count(*)::int as n from annotations a join users u on u.id = a.user_id
    where a.project_id = ${projectId} and a.action = 'label' and a.client_key is not null and a.client_key not like 'seed-%'
    group by u.email, a.client_key`));
  const byKey = new Map(stored.map((s) => [`${s.email} ${s.client_key}`, Number(s.n)]));
  const acked = new Set(acks.map((a) => `${a.email} ${a.clientKey}`));
  const lost = acks.filter((a) => !byKey.has(`${a.email} ${a.clientKey}`));
  const storedTwice = stored.filter((s) => Number(s.n) > 1).length;
  const storedUnacknowledged = stored.filter((s) => !acked.has(`${s.email} ${s.client_key}`)).length;
  const [t] = rows<{ n: number }>(await db.db.execute(sql`select count(*)::int as n from (
    select a.item_id from annotations a join leases l on l.id = a.lease_id
    where a.project_id = ${projectId} and a.action = 'label' and a.source = 'human' and l.stream not in ('overlap', 'gold')
    group by a.item_id having count(*) > 1) x`));
  return { acknowledged: acks.length, stored: stored.length, lost: lost.length, lostSample: lost.slice(0, 5), storedTwice, storedUnacknowledged, doublyLabeledItems: Number(t.n) };
}

async function main() {
  if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
  if (!process.env.TEST_DATABASE_URL) {
    log('drill:crash needs Postgres: set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a server where it may create a database');
    process.exit(2);
  }
  await ensureBuild(ROOT, createLogger('info', 'drill'));
  const dataDir = path.join(ROOT, 'bench/.tmp/drill-crash');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const pg = await createPostgresDatabase();
  let server: TandemProcess | null = null;
  const annotators: Annotator[] = [];
  let exit = 0;
  try {
    const seedDb = await openDatabase({ url: pg.url, poolSize: 2 });
    const seed = await seedPool(seedDb, path.join(dataDir, 'media'), { pool: POOL, annotators: ANNOTATORS, dim: env('DRILL_DIM', 16) });
    await seedDb.close();
    log(`seeded ${POOL.toLocaleString('en')} items and ${ANNOTATORS} annotators in ${(seed.ms.total / 1000).toFixed(1)} s`);

    const port = await freePort();
    // `tandem start` rebuilds the web app when a source changed since the last build (others may be editing the
    // tree): a restart that had to build is flagged, and one that met a build already running is retried.
    const start = async (): Promise<TandemProcess> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await startTandem({ dataDir, port, env: { DATABASE_URL: pg.url, TANDEM_DEMO: '0', TANDEM_TRAINER: '0' } });
        } catch (e) {
          if (attempt >= 5 || !/next build/.test(String(e))) throw e;
          log(`restart met a concurrent next build; retrying in 10 s (${attempt}/4)`);
          await sleep(10_000);
        }
      }
    };
    server = await start();
    annotators.push(...await Promise.all(seed.annotatorEmails.map((e) => connectAnnotator(server!.url, e, seed.password, seed.projectId))));
    let done = false;
    const loops = Promise.all(annotators.map((a) => runAnnotator(a, seed.projectId, { hold: HOLD, stop: () => done })));
    const probe = annotators[0].client;
    const checkDb = await openDatabase({ url: pg.url, poolSize: 1 });
    const runs = [];
    const total = () => annotators.reduce((s, a) => s + a.stats.labels, 0);
    const netErrors = () => annotators.reduce((s, a) => s + (a.stats.errors.get('network') ?? 0), 0);
    try {
      for (let run = 1; run <= RUNS; run++) {
        const labelsBefore = total();
        const loadMs = (LOAD_MIN_S + Math.random() * (LOAD_MAX_S - LOAD_MIN_S)) * 1000;
        await sleep(loadMs);
        const pid = pidOfPort(port);
        const rss = pid ? rssMiB(pid) : NaN;
        const labelsAtKill = total();
        const netBefore = netErrors();
        const killedAt = performance.now();
        await server!.stop('SIGKILL');
        const doubleWhileDown = await doubleLeases(checkDb);
        // Restart, and meanwhile time kill → the first request answered again.
        const rebuilt = buildIsStale(ROOT);
        const restarting = start();
        let servedMs = NaN;
        for (;;) {
          const r = await probe.request('GET', `/api/projects/${seed.projectId}/progress`).catch(() => null);
          if (r?.status === 200) { servedMs = performance.now() - killedAt; break; }
          if (performance.now() - killedAt > 180_000) throw new Error('the server did not serve again within 180 s');
          await sleep(20);
        }
        server = await restarting;
        const bannerMs = performance.now() - killedAt;
        // Give the clients a moment through the new server, then compare what they were told with what is stored.
        await sleep(1000);
        const acks = annotators.flatMap((a) => a.stats.acks);
        const cmp = await compare(checkDb, seed.projectId, acks);
        const doubleAfter = await doubleLeases(checkDb);
        const row = {
          run, loadAverage: Math.round(os.loadavg()[0] * 10) / 10, loadSeconds: Math.round(loadMs / 100) / 10, labelsThisRun: labelsAtKill - labelsBefore, serverRssMiB: Math.round(rss),
          servedAgainMs: Math.round(servedMs), bannerMs: Math.round(bannerMs), rebuiltWebApp: rebuilt, requestsFailedDuringOutage: netErrors() - netBefore,
          doubleLeasesWhileDown: doubleWhileDown, doubleLeasesAfter: doubleAfter, acknowledgedSoFar: cmp.acknowledged, lostSoFar: cmp.lost, storedTwiceSoFar: cmp.storedTwice,
        };
        runs.push(row);
        log(`run ${run}/${RUNS}: killed after ${row.loadSeconds} s (${row.labelsThisRun} labels), served again in ${row.servedAgainMs} ms, ` +
          `${row.requestsFailedDuringOutage} requests failed meanwhile, double leases ${doubleWhileDown}/${doubleAfter}, acknowledged ${cmp.acknowledged}, lost ${cmp.lost}`);
      }
      await sleep(2000);
    } finally {
      done = true;
      await loops;
      await Promise.all(annotators.map((a) => a.client.request('POST', `/api/projects/${seed.projectId}/leases/release`, {}).catch(() => null)));
    }
    const acks = annotators.flatMap((a) => a.stats.acks);
    const final = { ...(await compare(checkDb, seed.projectId, acks)), doubleLeases: await doubleLeases(checkDb) };
    await checkDb.close();
    const errors: Record<string, number> = {};
    for (const a of annotators) for (const [k, v] of a.stats.errors) errors[k] = (errors[k] ?? 0) + v;
    // Restarts that rebuilt the web app (a source changed meanwhile) measure the build, not recovery: left out of the figure.
    const served = runs.filter((r) => !r.rebuiltWebApp).map((r) => r.servedAgainMs);
    const out = {
      command: 'npm run drill:crash', date: new Date().toISOString(), machine: machine(), database: 'postgres',
      pool: POOL, annotators: ANNOTATORS, hold: HOLD, runs: RUNS,
      servedAgainMs: { p50: percentile(served, 50), max: Math.max(...served), min: Math.min(...served), runsCounted: served.length },
      totals: { ...final, doubleLeasesWhileDown: runs.reduce((s, r) => s + r.doubleLeasesWhileDown, 0), errors },
      perRun: runs,
    };
    fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
      const custom = ['DRILL_RUNS', 'DRILL_POOL', 'DRILL_ANNOTATORS'].some((k) => process.env[k]);
    const file = path.join(ROOT, `bench/results/drill-crash-${out.date.slice(0, 10)}${custom ? '-custom' : ''}.json`);
    fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
    console.log(JSON.stringify(out, null, 2));
    console.log(`\nwritten to ${path.relative(ROOT, file)}`);
    console.log(`\n| date | runs | pool | annotators | acknowledged | stored | lost | stored twice | double leases | served again p50 / max ms |`);
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    console.log(`| ${out.date.slice(0, 10)} | ${RUNS} | ${POOL.toLocaleString('en')} | ${ANNOTATORS} | ${final.acknowledged} | ${final.stored} | ${final.lost} | ${final.storedTwice} | ${final.doubleLeases + out.totals.doubleLeasesWhileDown} | ${out.servedAgainMs.p50} / ${out.servedAgainMs.max} |`);
    if (final.lost > 0 || final.storedTwice > 0 || final.doublyLabeledItems > 0 || final.doubleLeases > 0 || out.totals.doubleLeasesWhileDown > 0) {
      log(`FAIL: ${JSON.stringify(final)}`);
      exit = 1;
    }
  } finally {
    await Promise.all(annotators.map(closeAnnotator));
    await server?.stop();
    await pg.drop();
  }
  process.exit(exit);
}

main().catch((e) => { console.error(e); process.exit(2); });
