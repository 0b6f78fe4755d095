/**
 * npm run drill:abuse — hostile input against a running server under normal
 * labeling load (issue 15): does anything answer 5xx, does the server fall
 * over, do the annotators notice, does memory run away?
 *
 * One `tandem start` with the demo project (BENCH_ABUSE_DB: pglite, or
 * postgres on BENCH_DATABASE_URL / TEST_DATABASE_URL) and BENCH_ABUSE_ITEMS
 * (3,000) digits. BENCH_ABUSE_ANNOTATORS (4) annotators loop claim → label
 * at a human pace (BENCH_THINK_MS, 1,000 ms a label). After
 * BENCH_ABUSE_BASELINE_S (20) s of that alone, at the same time:
 *   - BENCH_ABUSE_REQUESTS (10,000) fuzzed requests over every route
 *     (tests/fixtures/fuzz: the fuzz suite's inputs), BENCH_ABUSE_CONCURRENCY (4) at a time,
 *     as an admin, an annotator, a non-member, forged sessions and a worker token;
 *   - BENCH_ABUSE_OVERSIZED (50) bodies of BENCH_ABUSE_OVERSIZED_MIN_MB..MAX_MB
 *     (64..400) MiB, one after another, streamed chunked or with a Content-Length that
 *     claims 2 GiB, to every route that takes a body (the worker's with the token);
 *   - BENCH_ABUSE_YJS (20) frames of a BENCH_ABUSE_YJS_MB (90) MiB Yjs update
 *     (Y.encodeStateAsUpdate of a document with one big Y.Text) on /yjs/item-<id> with a member's cookie.
 * The server runs with the refusal throttle at its default (TANDEM_REFUSAL_LIMIT; 0: off): the fuzzing
 * callers soon get 429 for most of what they send, and the answers are tallied by status.
 * Reported: 5xx answers, whether the server process exited, the labeling p99
 * before and during the abuse, and the growth of the server's RSS (VmRSS).
 * Targets: 0 5xx, 0 crashes, p99 during ≤ 2 × before, RSS growth < 200 MB.
 * Raw JSON in bench/results/drill-abuse-<date>.json (a later run that day: …-<HHMM>.json). Exit 1 when a target is missed.
 * A quick run: BENCH_ABUSE_REQUESTS=500 BENCH_ABUSE_OVERSIZED=4 BENCH_ABUSE_OVERSIZED_MAX_MB=64 BENCH_ABUSE_YJS=2 BENCH_ABUSE_BASELINE_S=10
 */
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ensureBuild } from '../server/build';
import { DEFAULT_REFUSAL_LIMIT } from '../lib/http/refusal-budget';
import { createLogger } from '../server/log';
import { ROOT } from '../tests/fixtures/paths';
import { DEMO_PASSWORD } from '../tests/fixtures/tandem-server';
import { routeCases, type Caller } from '../tests/fixtures/fuzz/harness';
import { ROUTES, routeName, routePath, type RouteSpec } from '../tests/fixtures/fuzz/routes';
import { startFuzzServer } from '../tests/fixtures/fuzz/server';
import type { YjsAttack, YjsOutcome } from './drill-abuse-yjs';
import type { FuzzAttack, FuzzOutcome } from './drill-abuse-fuzz';
import { closeAnnotator, connectAnnotator, rssMiB, runAnnotator, spans, type Annotator, type Span } from './load';
import { machine, percentile } from './stats';

const env = (k: string, d: number) => Number(process.env[k] ?? d);
const DB = process.env.BENCH_ABUSE_DB === 'postgres' ? 'postgres' : 'pglite';
const ITEMS = env('BENCH_ABUSE_ITEMS', 3000);
const ANNOTATORS = env('BENCH_ABUSE_ANNOTATORS', 4);
const THINK_MS = env('BENCH_THINK_MS', 1000);
const BASELINE_S = env('BENCH_ABUSE_BASELINE_S', 20);
/** BENCH_ABUSE_ONLY=fuzz|oversized|yjs: one kind of abuse alone (the others' counts become 0), to tell their costs apart. */
const ONLY = process.env.BENCH_ABUSE_ONLY ?? '';
const only = (kind: string, n: number) => (ONLY && ONLY !== kind ? 0 : n);
const REQUESTS = only('fuzz', env('BENCH_ABUSE_REQUESTS', 10_000));
const CONCURRENCY = env('BENCH_ABUSE_CONCURRENCY', 4);
const OVERSIZED = only('oversized', env('BENCH_ABUSE_OVERSIZED', 50));
const OVERSIZED_MIN_MB = env('BENCH_ABUSE_OVERSIZED_MIN_MB', 64);
const OVERSIZED_MAX_MB = env('BENCH_ABUSE_OVERSIZED_MAX_MB', 400);
const YJS = only('yjs', env('BENCH_ABUSE_YJS', 20));
const YJS_MB = env('BENCH_ABUSE_YJS_MB', 90);
const SEED = env('BENCH_ABUSE_SEED', 15);
const TARGETS = { fiveXx: 0, crashes: 0, p99Ratio: 2, rssGrowthMB: 200 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
/** A seeded generator for sizes and picks (the fuzzed requests have fast-check's own seed). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

async function main() {
  if (DB === 'postgres' && process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
  if (DB === 'postgres' && !process.env.TEST_DATABASE_URL) {
    log('BENCH_ABUSE_DB=postgres needs BENCH_DATABASE_URL (or TEST_DATABASE_URL)');
    process.exit(2);
  }
  await ensureBuild(ROOT, createLogger('info', 'drill'));
  const dataDir = path.join(ROOT, 'bench/.tmp/drill-abuse');
  log(`starting the server (${DB}, ${ITEMS} demo items)`);
  // The server's memory split and loop delay, once a second (server/vitals.ts), read back at the end.
  const vitalsFile = path.join(ROOT, 'bench/.tmp/drill-abuse-vitals.jsonl');
  fs.mkdirSync(path.dirname(vitalsFile), { recursive: true });
  fs.rmSync(vitalsFile, { force: true });
  // The server as it ships: the refusal throttle at its default unless TANDEM_REFUSAL_LIMIT says otherwise (0: off, to see what the fuzz costs unthrottled).
  const refusalLimit = process.env.TANDEM_REFUSAL_LIMIT ?? String(DEFAULT_REFUSAL_LIMIT);
  const fz = await startFuzzServer(DB, dataDir, { TANDEM_DEMO_LIMIT: String(ITEMS), TANDEM_VITALS_FILE: vitalsFile, TANDEM_REFUSAL_LIMIT: refusalLimit });
  const pid = fz.server.pid;
  const random = rng(SEED);
  const annotators: Annotator[] = [];
  let exit = 0;
  try {
    // The labeling team: accounts of their own (the fuzzing accounts are busy being hostile).
    const emails: string[] = [];
    for (let i = 1; i <= ANNOTATORS; i++) {
      const email = `drill-ann${i}@fuzz.local`;
      const u = await fz.clients.admin.request('POST', '/api/users', { email, password: DEMO_PASSWORD });
      await fz.clients.admin.request('PUT', `/api/projects/${fz.ctx.projectId}/members`, { userId: u.json.user.id, role: 'annotator' });
      emails.push(email);
    }
    annotators.push(...await Promise.all(emails.map((e) => connectAnnotator(fz.server.url, e, DEMO_PASSWORD, fz.ctx.projectId))));
    let stopLoad = false;
    const loops = Promise.all(annotators.map((a, i) => runAnnotator(a, fz.ctx.projectId, { hold: 2, stop: () => stopLoad, thinkMs: THINK_MS, rng: rng(SEED + i) })));
    const labelSamples = () => annotators.flatMap((a) => a.stats.labelMs);
    const claimSamples = () => annotators.flatMap((a) => a.stats.claimMs);
    const resetSamples = () => { for (const a of annotators) { a.stats.labelMs.length = 0; a.stats.claimMs.length = 0; } };

    log(`${ANNOTATORS} annotators labeling; ${BASELINE_S} s baseline`);
    await sleep(3000);
    await fz.refresh();

    // The attacks are prepared (their requests drawn, their threads started, the Yjs frame built) before
    // the baseline: on the drill's thread that work delayed the first labels it timed during the abuse.
    // 1. Fuzzed requests: the fuzz suite's cases, round-robin over routes and callers, drawn until there are enough.
    const callersOf = (spec: RouteSpec): Caller[] => (spec.auth === 'worker'
      ? [fz.callers.worker, fz.callers['forged worker']]
      : [fz.callers.admin, fz.callers.annotator, fz.callers.outsider, fz.callers['forged session']]);
    const queue: FuzzAttack['requests'] = [];
    for (let round = 0; queue.length < REQUESTS; round++) {
      for (const [i, spec] of ROUTES.entries()) {
        for (const [k, caller] of callersOf(spec).entries()) {
          const { strict, odd } = routeCases(spec, fz.ctx, 2, SEED + round * 7919 + i * 101 + k, 1);
          for (const req of [...strict, ...odd]) queue.push({ route: routeName(spec), req: { ...req, headers: { ...caller.headers(), ...req.headers } } });
        }
      }
    }
    queue.length = REQUESTS;
    // 2. Oversized bodies, one at a time, to every route that takes a body (the worker's with the token).
    const bodyRoutes = ROUTES.filter((r) => r.body);
    const oversizedPlan: FuzzAttack['oversized'] = Array.from({ length: OVERSIZED }, (_, i) => {
      const spec = bodyRoutes[i % bodyRoutes.length];
      const caller = spec.auth === 'worker' ? fz.callers.worker : fz.callers.outsider;
      const segments = Object.fromEntries(Object.entries(spec.params ?? {}).map(([k, get]) => [k, String(get(fz.ctx))]));
      return {
        route: routeName(spec), method: spec.method, path: routePath(spec, segments), headers: { ...caller.headers(), 'content-type': 'application/json' },
        mib: Math.round(OVERSIZED_MIN_MB + random() * (OVERSIZED_MAX_MB - OVERSIZED_MIN_MB)), chunked: i % 2 === 0,
      };
    });
    const fiveXx = new Map<string, number>();
    const other = new Map<string, number>();
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    let sent = 0;
    /** Answer times by route: which fuzzed routes keep the server busy. */
    const routeCost = new Map<string, { n: number; totalMs: number; maxMs: number }>();
    /** How the fuzzed requests were answered, by status (429: refused by the refusal throttle before any parsing). */
    const statuses = new Map<string, number>();
    const oversized: Omit<Extract<FuzzOutcome, { kind: 'oversized' }>, 'kind'>[] = [];
    // Both on a thread of their own (drill-abuse-fuzz.ts): their CPU is the attacker's, not the annotators' clock.
    const fuzzing = startThread('./drill-abuse-fuzz.ts', { url: fz.server.url, concurrency: CONCURRENCY, requests: queue, oversized: oversizedPlan } satisfies FuzzAttack, (o: FuzzOutcome) => {
      switch (o.kind) {
        case 'answers':
          for (const a of o.answers) {
            const cost = routeCost.get(a.route) ?? { n: 0, totalMs: 0, maxMs: 0 };
            routeCost.set(a.route, { n: cost.n + 1, totalMs: cost.totalMs + a.ms, maxMs: Math.max(cost.maxMs, a.ms) });
            bump(statuses, String(a.status));
            if (a.status >= 500) bump(fiveXx, `${a.route}: ${a.what} → ${a.wrong}`.slice(0, 200));
            else if (a.wrong) bump(other, `${a.route}: ${a.what} → ${a.wrong}`.slice(0, 200));
            if (++sent % 1000 === 0) log(`fuzzed ${sent}/${REQUESTS}; 5xx so far ${[...fiveXx.values()].reduce((s, n) => s + n, 0)}; RSS ${rssMiB(pid).toFixed(0)} MiB`);
          }
          break;
        case 'oversized': {
          const { kind: _kind, ...r } = o;
          oversized.push(r);
          if (r.status >= 500) bump(fiveXx, `oversized ${r.route} → ${r.status}`);
          log(`oversized ${oversized.length}/${OVERSIZED}: ${r.route} ${r.mib} MiB ${r.framing} → ${r.status || r.error} after ${r.sentMiB} MiB, ${r.ms} ms; RSS ${rssMiB(pid).toFixed(0)} MiB`);
          break;
        }
      }
    });

    // 3. Oversized Yjs frames, one at a time, on an item of the project with a member's cookie, on a thread of their own (drill-abuse-yjs.ts).
    const yjs: YjsOutcome[] = [];
    const yjsing = YJS <= 0 ? idleThread : startThread('./drill-abuse-yjs.ts', { url: fz.server.url, itemId: fz.ctx.itemId, cookie: fz.clients.annotator.cookieHeader(), frames: YJS, mib: YJS_MB } satisfies YjsAttack, (o: YjsOutcome) => {
      yjs.push(o);
      if (/refused 5/.test(o.status)) bump(fiveXx, `yjs frame → ${o.status}`);
      log(`yjs frame ${yjs.length}/${YJS} (${YJS_MB} MiB): ${o.status}; RSS ${rssMiB(pid).toFixed(0)} MiB`);
    });

    await Promise.all([fuzzing.ready, yjsing.ready]);
    resetSamples();
    spans.length = 0;
    const rssBefore = rssMiB(pid);
    // The drill's own event loop times the annotators' labels: its delay is part of what they measure.
    const drillLoop = monitorEventLoopDelay({ resolution: 10 });
    drillLoop.enable();
    const tBaseline = Date.now();
    await sleep(BASELINE_S * 1000);
    const drillLoopBefore = { p99Ms: drillLoop.percentile(99) / 1e6, maxMs: drillLoop.max / 1e6 };
    drillLoop.reset();
    const before = { labelP50: percentile(labelSamples(), 50), labelP99: percentile(labelSamples(), 99), claimP99: percentile(claimSamples(), 99), labels: labelSamples().length };
    log(`baseline: label p50 ${before.labelP50.toFixed(1)} ms, p99 ${before.labelP99.toFixed(1)} ms over ${before.labels} labels; RSS ${rssBefore.toFixed(0)} MiB`);
    resetSamples();

    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(rssMiB(pid)), 250);
    const t0 = performance.now();
    const tAbuse = Date.now();

    log(`abuse begins at ${new Date(tAbuse).toISOString()}`);
    fuzzing.go();
    yjsing.go();
    await Promise.all([fuzzing.done, yjsing.done]);
    const abuseMs = performance.now() - t0;
    clearInterval(sampler);
    const tEnd = Date.now();
    const drillLoopDuring = { p99Ms: drillLoop.percentile(99) / 1e6, maxMs: drillLoop.max / 1e6 };
    drillLoop.disable();
    const crashed = fz.server.exitCode() !== null;
    const healthAfter = await fz.healthy(1000);
    stopLoad = true;
    await loops;
    const during = { labelP50: percentile(labelSamples(), 50), labelP99: percentile(labelSamples(), 99), claimP99: percentile(claimSamples(), 99), labels: labelSamples().length };
    const rssEnd = rssMiB(pid);
    // With NODE_OPTIONS=--expose-gc for the server: its memory after a full collection (server/vitals.ts).
    try { process.kill(pid, 'SIGUSR2'); await sleep(2000); } catch { /* gone */ }
    const vitals = serverVitals(vitalsFile, tBaseline, tAbuse, tEnd);
    const rssPeak = Math.max(...rss.filter(Number.isFinite), rssEnd);
    const loadErrors: Record<string, number> = {};
    for (const a of annotators) for (const [k, v] of a.stats.errors) loadErrors[k] = (loadErrors[k] ?? 0) + v;
    for (const [k, v] of Object.entries(loadErrors)) if (/^http 5/.test(k)) fiveXx.set(`labeling load: ${k}`, v);

    const count5xx = [...fiveXx.values()].reduce((s, n) => s + n, 0);
    const p99Ratio = during.labelP99 / before.labelP99;
    const rssGrowthMB = Math.round(((rssPeak - rssBefore) * 2 ** 20) / 1e6);
    const out = {
      command: 'npm run drill:abuse', date: new Date().toISOString(), machine: machine(), loadAverage: Math.round(os.loadavg()[0] * 10) / 10, database: DB,
      config: { items: ITEMS, annotators: ANNOTATORS, refusalLimit: Number(refusalLimit), thinkMs: THINK_MS, baselineSeconds: BASELINE_S, requests: REQUESTS, concurrency: CONCURRENCY, oversized: OVERSIZED, oversizedMiB: [OVERSIZED_MIN_MB, OVERSIZED_MAX_MB], yjsFrames: YJS, yjsMiB: YJS_MB, seed: SEED },
      abuseSeconds: Math.round(abuseMs / 100) / 10,
      fiveXx: count5xx,
      crashed,
      answeredWithinOneSecondAfter: healthAfter === null,
      healthAfter,
      labeling: { before, during, p99Ratio: Math.round(p99Ratio * 100) / 100 },
      rssMiB: { before: Math.round(rssBefore), peak: Math.round(rssPeak), end: Math.round(rssEnd) },
      rssGrowthMB,
      loopDelay: { drill: { before: drillLoopBefore, during: drillLoopDuring }, server: vitals.loop },
      serverMemoryMiB: vitals.memory,
      targets: TARGETS,
      met: { fiveXx: count5xx <= TARGETS.fiveXx, crashes: !crashed, p99: p99Ratio <= TARGETS.p99Ratio, rss: rssGrowthMB < TARGETS.rssGrowthMB },
      // BENCH_TRACE=1: the slowest labels of the baseline and of the abuse, when they started (s from the abuse's start) and the server's account of them (Server-Timing).
      slowestLabels: process.env.BENCH_TRACE === '1' ? {
        before: slowest(spans.filter((x) => x.kind === 'label' && x.start < t0), t0),
        during: slowest(spans.filter((x) => x.kind === 'label' && x.start >= t0), t0),
      } : undefined,
      fuzzedStatuses: Object.fromEntries([...statuses].sort((a, b) => b[1] - a[1])),
      slowestFuzzedRoutes: Object.fromEntries([...routeCost].sort((a, b) => b[1].totalMs - a[1].totalMs).slice(0, 12)
        .map(([k, c]) => [k, { n: c.n, meanMs: Math.round(c.totalMs / c.n), maxMs: Math.round(c.maxMs) }])),
      fiveXxByKind: Object.fromEntries([...fiveXx].sort((a, b) => b[1] - a[1])),
      otherFindings: Object.fromEntries([...other].sort((a, b) => b[1] - a[1]).slice(0, 50)),
      oversized,
      yjs,
      loadErrors,
    };
    fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    const custom = ['BENCH_ABUSE_ONLY', 'BENCH_ABUSE_ANNOTATORS', 'TANDEM_REFUSAL_LIMIT', 'BENCH_ABUSE_REQUESTS', 'BENCH_ABUSE_OVERSIZED', 'BENCH_ABUSE_OVERSIZED_MAX_MB', 'BENCH_ABUSE_YJS', 'BENCH_ABUSE_YJS_MB', 'BENCH_ABUSE_ITEMS'].some((k) => process.env[k]);
    // A second run that day keeps the first: its time goes into the name (as bench:queue does).
    const base = `bench/results/drill-abuse-${out.date.slice(0, 10)}${custom ? '-custom' : ''}`;
    const file = path.join(ROOT, fs.existsSync(path.join(ROOT, `${base}.json`)) ? `${base}-${out.date.slice(11, 16).replace(':', '')}.json` : `${base}.json`);
    fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
    console.log(JSON.stringify(out, null, 2));
    console.log(`\nwritten to ${path.relative(ROOT, file)}`);
    console.log('\n| date | database | fuzzed / oversized / Yjs | fuzzed answered 429 | 5xx | crashed | label p99 before → during (ms) | RSS before → peak (MiB) |');
    console.log('|---|---|---|---|---|---|---|---|');
    console.log(`| ${out.date.slice(0, 10)} | ${DB} | ${REQUESTS} / ${OVERSIZED} / ${YJS} | ${statuses.get('429') ?? 0} | ${count5xx} | ${crashed ? 'yes' : 'no'} | ${before.labelP99.toFixed(1)} → ${during.labelP99.toFixed(1)} (${out.labeling.p99Ratio}×) | ${out.rssMiB.before} → ${out.rssMiB.peak} (+${rssGrowthMB} MB) |`);
    if (!Object.values(out.met).every(Boolean) || healthAfter) {
      log(`FAIL: ${JSON.stringify(out.met)}${healthAfter ? `; after: ${healthAfter}` : ''}`);
      exit = 1;
    }
  } finally {
    await Promise.all(annotators.map(closeAnnotator));
    await fz.close().catch(() => {});
  }
  process.exit(exit);
}

function slowest(ls: Span[], t0: number) {
  return [...ls].sort((a, b) => (b.end - b.start) - (a.end - a.start)).slice(0, 5)
    .map((x) => ({ atS: Math.round((x.start - t0) / 100) / 10, ms: Math.round(x.end - x.start), phases: x.phases }));
}

/** One of the drill's attackers on its thread: `ready` once it has prepared, `go` starts it, `done` when it has finished. */
interface AttackThread { ready: Promise<void>; go(): void; done: Promise<void> }
const idleThread: AttackThread = { ready: Promise.resolve(), go() {}, done: Promise.resolve() };

/**
 * Starts one of the drill's attackers on a thread of its own; each message it posts goes to `onMessage`, but for
 * its 'ready'. tsx's loader is per thread on Node 20: the worker registers it before importing the .ts file.
 */
function startThread<T>(relative: string, data: unknown, onMessage: (m: T) => void): AttackThread {
  const file = new URL(relative, import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(file)}); })`, { eval: true, workerData: data });
  let markReady!: () => void;
  const ready = new Promise<void>((r) => { markReady = r; });
  worker.on('message', (m: T | 'ready') => (m === 'ready' ? markReady() : onMessage(m as T)));
  const done = new Promise<void>((resolve, reject) => {
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${relative} exited with ${code}`))));
  });
  done.catch(() => markReady());
  return { ready, go: () => worker.postMessage('go'), done };
}

type Vitals = { t: number; rssMiB: number; heapUsedMiB: number; heapTotalMiB: number; externalMiB: number; arrayBuffersMiB: number; loopDelayP99Ms: number; loopDelayMaxMs: number };

/** The server's vitals lines: loop delay before vs during, and its memory split at the start, the peak and the end. */
function serverVitals(file: string, tBaseline: number, tAbuse: number, tEnd: number) {
  let lines: Vitals[] = [];
  try { lines = fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)); } catch { /* the server wrote none */ }
  const within = (a: number, b: number) => lines.filter((l) => l.t > a && l.t <= b);
  const loop = (ls: Vitals[]) => ({ worstSecondP99Ms: Math.max(0, ...ls.map((l) => l.loopDelayP99Ms)), maxMs: Math.max(0, ...ls.map((l) => l.loopDelayMaxMs)), secondsOver50Ms: ls.filter((l) => l.loopDelayMaxMs > 50).length });
  const { t: _t, loopDelayP99Ms: _p, loopDelayMaxMs: _m, ...start } = within(0, tAbuse).at(-1) ?? ({} as Vitals);
  const peakLine = within(tAbuse, tEnd).reduce<Vitals | undefined>((a, l) => (!a || l.rssMiB > a.rssMiB ? l : a), undefined);
  const end = lines.at(-1);
  const strip = (l?: Vitals) => (l ? { rssMiB: l.rssMiB, heapUsedMiB: l.heapUsedMiB, heapTotalMiB: l.heapTotalMiB, externalMiB: l.externalMiB, arrayBuffersMiB: l.arrayBuffersMiB } : null);
  const gcd = lines.filter((l) => (l as { afterGc?: boolean }).afterGc).at(-1);
  return { loop: { before: loop(within(tBaseline, tAbuse)), during: loop(within(tAbuse, tEnd)) }, memory: { beforeAbuse: Object.keys(start).length ? start : null, atRssPeak: strip(peakLine), end: strip(end), endAfterFullGc: strip(gcd) } };
}

main().catch((e) => { console.error(e); process.exit(2); });
