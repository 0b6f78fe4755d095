/**
 * npm run bench:label-contention — the label POST from a plain Node client,
 * alone and with a lease claim and a media fetch in flight at the same
 * moment (as the labeling page always has them), on the embedded database.
 * Explains the gap between the server's own commit time and the browser's
 * round trip in `bench:label`.
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

async function main() {
  await ensureBuild(ROOT, createLogger('info', 'bench'));
  const dataDir = path.join(ROOT, 'bench/.tmp/label-contention');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const server = await startTandem({ dataDir, port: await freePort(), env: { TANDEM_DEMO_LIMIT: String(Math.max(1000, ROUNDS * 10)) } });
  try {
    const c = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    const projectId = (await c.request('GET', '/api/projects')).json[0].id;
    const result: Record<string, { p50: number; p99: number }> = {};
    for (const mode of ['alone', 'with claim + media in flight', 'alone', 'with claim + media in flight']) {
      const times: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const { json } = await c.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 });
        const l = json.leases[0];
        const other = mode === 'alone' ? Promise.resolve() : Promise.all([
          c.request('POST', `/api/projects/${projectId}/leases`, { hold: 3 }),
          fetch(`${server.url}/api/items/${l.itemId}/media`, { headers: { cookie: c.cookieHeader() } }).then((r) => r.arrayBuffer()),
        ]);
        const t0 = performance.now();
        const r = await c.request('POST', `/api/projects/${projectId}/labels`, { leaseId: l.leaseId, itemId: l.itemId, label: '1', clientKey: `contention-${l.itemId}-${i}` });
        times.push(performance.now() - t0);
        if (r.status !== 200) throw new Error(`label refused: ${r.status}`);
        await other;
      }
      // The second pass of each mode is the one reported (the first warms up the route and the database).
      result[mode] = { p50: +percentile(times, 50).toFixed(1), p99: +percentile(times, 99).toFixed(1) };
    }
    console.log(JSON.stringify({ date: new Date().toISOString(), machine: machine(), labelsPerMode: ROUNDS, labelPostMs: result }, null, 2));
  } finally {
    await server.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
