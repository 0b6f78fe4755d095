/**
 * npm run bench:label-contention — where a label's round trip goes, from a
 * plain Node client on the embedded database: the label POST alone; a lease
 * claim alone; the label with a claim, a media fetch or both in flight at the
 * same moment (as the labeling page used to have them); and the label that
 * carries its refill (`hold`, the page's steady state: the next leases come
 * back in the acknowledgement, no separate claim). For each: the client's
 * round trip, the route handler's own time and the session check's time
 * (Server-Timing `app` and `auth`). Explains the gap between the server's
 * commit time and the browser's round trip in `bench:label`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_PASSWORD, freePort, startTandem } from '../tests/fixtures/tandem-server';
import { Client } from '../tests/fixtures/http-client';
import { ensureBuild } from '../server/build';
import { createLogger } from '../server/log';
import { ROOT } from '../tests/fixtures/paths';
import { machine, percentile } from './stats';

const ROUNDS = Number(process.env.BENCH_LABELS ?? 100);

type Mode = 'label alone' | 'claim alone' | 'label, claim in flight' | 'label, media in flight' | 'label, claim + media in flight' | 'label carrying its refill (hold 3)';
const MODES: Mode[] = ['label alone', 'claim alone', 'label, claim in flight', 'label, media in flight', 'label, claim + media in flight', 'label carrying its refill (hold 3)'];

interface Sample { total: number; app: number; auth: number }

function serverTiming(h: Headers, name: string): number {
  const m = new RegExp(`(?:^|,\\s*)${name};dur=([\\d.]+)`).exec(h.get('server-timing') ?? '');
  return m ? Number(m[1]) : NaN;
}

async function main() {
  await ensureBuild(ROOT, createLogger('info', 'bench'));
  const dataDir = path.join(ROOT, 'bench/.tmp/label-contention');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const server = await startTandem({ dataDir, port: await freePort(), env: { TANDEM_DEMO_LIMIT: String(Math.max(1000, ROUNDS * 16)) } });
  try {
    const c = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    const projectId = (await c.request('GET', '/api/projects')).json[0].id;
    const base = `/api/projects/${projectId}`;
    const release = () => c.request('POST', `${base}/leases/release`, {});
    const result: Record<string, Record<string, number>> = {};
    // Two passes over the modes; the second is reported (the first warms up routes and the database).
    for (const pass of [0, 1]) {
      for (const mode of MODES) {
        const samples: Sample[] = [];
        for (let i = 0; i < ROUNDS; i++) {
          const { json } = await c.request('POST', `${base}/leases`, { hold: 1 });
          const l = json.leases[0];
          if (mode === 'claim alone') {
            // A claim that has to deal new items, as the page's refill does.
            const t0 = performance.now();
            const r = await c.request('POST', `${base}/leases`, { hold: 3 });
            samples.push({ total: performance.now() - t0, app: serverTiming(r.headers, 'app'), auth: serverTiming(r.headers, 'auth') });
            await release();
            continue;
          }
          const inFlight: Promise<unknown>[] = [];
          if (mode.includes('claim')) inFlight.push(c.request('POST', `${base}/leases`, { hold: 3 }));
          if (mode.includes('media')) inFlight.push(fetch(`${server.url}/api/items/${l.itemId}/media`, { headers: { cookie: c.cookieHeader() } }).then((r) => r.arrayBuffer()));
          const body: Record<string, unknown> = { leaseId: l.leaseId, itemId: l.itemId, label: '1', clientKey: `contention-${pass}-${l.itemId}-${i}` };
          if (mode.includes('refill')) body.hold = 3;
          const t0 = performance.now();
          const r = await c.request('POST', `${base}/labels`, body);
          samples.push({ total: performance.now() - t0, app: serverTiming(r.headers, 'app'), auth: serverTiming(r.headers, 'auth') });
          if (r.status !== 200) throw new Error(`label refused: ${r.status} ${JSON.stringify(r.json)}`);
          await Promise.all(inFlight);
          await release();
        }
        if (pass === 0) continue;
        const row: Record<string, number> = {};
        for (const k of ['total', 'app', 'auth'] as const) {
          const xs = samples.map((s) => s[k]).filter(Number.isFinite);
          if (xs.length === 0) continue;
          row[`${k}P50`] = +percentile(xs, 50).toFixed(1);
          row[`${k}P99`] = +percentile(xs, 99).toFixed(1);
        }
        result[mode] = row;
      }
    }
    console.log(JSON.stringify({ date: new Date().toISOString(), machine: machine(), roundsPerMode: ROUNDS, ms: result }, null, 2));
    console.log('| request | round trip p50 / p99 | handler p50 / p99 | session check p50 / p99 |');
    for (const [mode, r] of Object.entries(result)) {
      const f = (k: string) => (r[`${k}P50`] === undefined ? '–' : `${r[`${k}P50`]} / ${r[`${k}P99`]}`);
      console.log(`| ${mode} | ${f('total')} | ${f('app')} | ${f('auth')} |`);
    }
  } finally {
    await server.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
