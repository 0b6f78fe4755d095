/**
 * npm run bench:trainer — the trainer next to a real server on the full 10k
 * MNIST demo (embedded database), with one simulated annotator labeling over
 * HTTP the whole time (true digits, recovered from the pixels):
 *
 * 1. label → new ranking in use: for every label, the time from its commit
 *    to the 'ranking-applied' event of the first ranking that includes it;
 * 2. crash drill: kill -9 the trainer mid-job BENCH_KILLS times (default 10);
 *    labels acknowledged vs stored, labeling latency before vs during the
 *    drill, and whether every killed job completed after the restart.
 *
 * Prints one JSON object; numbers go to docs/benchmarks.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import { io as ioClient } from 'socket.io-client';
import { DEMO_PASSWORD, freePort, startTandem } from '../tests/fixtures/tandem-server';
import { Client } from '../tests/fixtures/http-client';
import { ensureBuild } from '../server/build';
import { createLogger } from '../server/log';
import { ROOT } from '../tests/fixtures/paths';
import { machine, percentile } from './stats';

const KILLS = Number(process.env.BENCH_KILLS ?? 10);
const WARM_RANKINGS = Number(process.env.BENCH_WARM_RANKINGS ?? 8);
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 250);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (x: number) => Math.round(x);

/** The digit of each demo image, by its exact pixels: the bench plays an annotator who always answers right. */
function truthByPixels(): Map<string, string> {
  const mnist = createRequire(import.meta.url)('mnist') as Record<string, { raw: number[] }>;
  const out = new Map<string, string>();
  for (let d = 0; d < 10; d++) {
    const raw = mnist[String(d)].raw;
    for (let s = 0; s < raw.length / 784; s++) {
      const px = Buffer.alloc(784);
      for (let i = 0; i < 784; i++) px[i] = Math.round(raw[s * 784 + i] * 255);
      out.set(px.toString('base64'), String(d));
    }
  }
  return out;
}

async function main() {
  await ensureBuild(ROOT, createLogger('info', 'bench'));
  const dataDir = path.join(ROOT, 'bench/.tmp/trainer');
  if (process.env.BENCH_FRESH === '1') fs.rmSync(dataDir, { recursive: true, force: true });
  const server = await startTandem({ dataDir, port: await freePort(), env: { TANDEM_DEMO_LIMIT: '10000', TANDEM_TRAINER: '1', TANDEM_RETRAIN_EVERY: '10', LOG_LEVEL: 'info' } });
  const truth = truthByPixels();
  try {
    const annotator = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    const admin = await new Client(server.url).login('admin@tandem.local', DEMO_PASSWORD);
    const projectId: number = (await admin.request('GET', '/api/projects')).json[0].id;
    const status = async () => (await admin.request('GET', `/api/projects/${projectId}/model`)).json;
    const startLabels: number = (await status()).labels;

    // Rankings as the annotators' pages learn of them: by the socket event.
    const applied: { at: number; labelCount: number; jobId: number | null }[] = [];
    const socket = ioClient(server.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: admin.cookieHeader() } });
    await new Promise<void>((r) => socket.on('connect', () => socket.emit('subscribe', { projectId }, () => r())));
    socket.on('model', (e: { event: string }) => {
      if (e.event !== 'ranking-applied') return;
      const at = performance.now();
      void status().then((s) => applied.push({ at, labelCount: s.ranking.labelCount, jobId: s.job?.id ?? null }));
    });

    // One annotator labeling at a steady pace for the whole run.
    const commits: { at: number; count: number; latency: number; phase: string }[] = [];
    let phase = 'warm-up';
    let acknowledged = 0;
    let stop = false;
    const labeling = (async () => {
      let count = startLabels;
      while (!stop) {
        const t0 = performance.now();
        const { json } = await annotator.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 });
        const lease = json.leases?.[0];
        if (!lease) break;
        const media = await fetch(`${server.url}/api/items/${lease.itemId}/media`, { headers: { cookie: annotator.cookieHeader() } });
        const png = PNG.sync.read(Buffer.from(await media.arrayBuffer()));
        const label = truth.get(Buffer.from(png.data.filter((_, i) => i % 4 === 0)).toString('base64')) ?? '0';
        const t1 = performance.now();
        const r = await annotator.request('POST', `/api/projects/${projectId}/labels`, { leaseId: lease.leaseId, itemId: lease.itemId, label, clientKey: `bench-trainer-${lease.itemId}-${count}` });
        const t2 = performance.now();
        if (r.status !== 200) throw new Error(`label refused: ${r.status} ${JSON.stringify(r.json)}`);
        acknowledged++;
        count++;
        commits.push({ at: t2, count, latency: t2 - t1, phase });
        await sleep(Math.max(0, PACE_MS - (performance.now() - t0)));
      }
    })();

    // 1. Latency, with the trainer warm after its first job: measured over the next WARM_RANKINGS rankings.
    while (applied.length < 1 + WARM_RANKINGS) await sleep(200);
    phase = 'drill';

    // 2. Crash drill.
    const kills: { jobId: number; worker: string; progress: unknown; completedAfterMs: number | null }[] = [];
    const seenKilled = new Set<number>();
    while (kills.length < KILLS) {
      const s = await status();
      const job = s.job;
      if (job?.state === 'running' && job.worker && !seenKilled.has(job.id) && job.attempts === 1) {
        const pid = Number(String(job.worker).split(':').pop());
        try { process.kill(pid, 'SIGKILL'); } catch { await sleep(50); continue; }
        seenKilled.add(job.id);
        const killedAt = performance.now();
        const record = { jobId: job.id, worker: job.worker, progress: job.progress, completedAfterMs: null as number | null };
        kills.push(record);
        process.stderr.write(`  kill ${kills.length}/${KILLS}: job ${job.id} (${job.progress?.phase ?? 'starting'})\n`);
        // Wait for that job to finish on a restarted trainer.
        const deadline = performance.now() + 180_000;
        for (;;) {
          const now = await status();
          if (now.job && now.job.id !== job.id) { record.completedAfterMs = ms(performance.now() - killedAt); break; }
          if (now.job?.state === 'done') { record.completedAfterMs = ms(performance.now() - killedAt); break; }
          if (now.job?.state === 'failed' || performance.now() > deadline) break;
          await sleep(200);
        }
      }
      await sleep(50);
    }
    phase = 'after';
    await sleep(3000);
    stop = true;
    await labeling;
    socket.close();
    await sleep(500);
    const stored: number = (await status()).labels;
    const finalJobs = await status();

    // Per label: commit → first applied ranking that includes it.
    const toRanking = (rows: typeof commits) => rows.flatMap((c) => {
      const r = applied.find((a) => a.labelCount >= c.count && a.at >= c.at);
      return r ? [r.at - c.at] : [];
    });
    const firstApplied = applied[0];
    const warm = commits.filter((c) => c.phase === 'warm-up' && firstApplied && c.at > firstApplied.at);
    const latency = (rows: typeof commits) => ({ p50: ms(percentile(rows.map((c) => c.latency), 50)), p99: ms(percentile(rows.map((c) => c.latency), 99)), n: rows.length });
    const warmToRanking = toRanking(warm);
    // The trainer logs the time of each phase of every job it completes.
    const jobs = server.output().split('\n').flatMap((line) => {
      try { const j = JSON.parse(line); return j.msg === 'ranking applied' && j.phases ? [{ seconds: Number(j.seconds), phases: j.phases as Record<string, number> }] : []; } catch { return []; }
    });
    const phaseNames = [...new Set(jobs.flatMap((j) => Object.keys(j.phases)))];
    const result = {
      date: new Date().toISOString(),
      machine: machine(),
      pool: 10000,
      paceMs: PACE_MS,
      labelToRankingMs: { median: ms(percentile(warmToRanking, 50)), p90: ms(percentile(warmToRanking, 90)), labels: warmToRanking.length },
      firstRankingAfterStartMs: firstApplied ? ms(firstApplied.at - commits[0].at) : null,
      rankings: applied.length,
      jobSeconds: jobs.map((j) => j.seconds),
      medianPhaseMs: Object.fromEntries(phaseNames.map((p) => [p, ms(percentile(jobs.map((j) => j.phases[p] ?? 0), 50))])),
      labelCommitMs: { beforeDrill: latency(commits.filter((c) => c.phase === 'warm-up')), duringDrill: latency(commits.filter((c) => c.phase === 'drill')) },
      drill: {
        kills: kills.length,
        completedAfterRestart: kills.filter((k) => k.completedAfterMs !== null).length,
        completedAfterMs: { median: ms(percentile(kills.flatMap((k) => (k.completedAfterMs === null ? [] : [k.completedAfterMs])), 50)), max: Math.max(...kills.map((k) => k.completedAfterMs ?? Infinity)) },
        killedIn: kills.map((k) => (k.progress as { phase?: string } | null)?.phase ?? 'starting'),
        labelsAcknowledged: acknowledged,
        labelsStored: stored - startLabels,
        lost: acknowledged - (stored - startLabels),
        lastJob: finalJobs.job,
      },
    };
    console.log(JSON.stringify(result, null, 2));
    if (result.drill.lost !== 0) process.exitCode = 1;
  } finally {
    await server.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
