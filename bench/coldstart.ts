/**
 * npm run bench:coldstart — `tandem start` to the first page served: on a
 * fresh data folder (MNIST written and imported) and again with the demo
 * already there. The web build exists beforehand (it is made once per change).
 */
import path from 'node:path';
import fs from 'node:fs';
import { freePort, startTandem } from '../tests/fixtures/tandem-server';
import { ensureBuild } from '../server/build';
import { createLogger } from '../server/log';
import { ROOT } from '../tests/fixtures/paths';
import { machine } from './stats';

async function timeToFirstPage(dataDir: string, limit: number): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const server = await startTandem({ dataDir, port, env: { TANDEM_DEMO_LIMIT: String(limit) } });
  const res = await fetch(`${server.url}/login`);
  if (res.status !== 200) throw new Error(`first page answered ${res.status}`);
  const ms = performance.now() - t0;
  await server.stop();
  return ms;
}

async function main() {
  await ensureBuild(ROOT, createLogger('info', 'bench'));
  const limit = Number(process.env.BENCH_DEMO_LIMIT ?? 10000);
  const dataDir = path.join(ROOT, 'bench/.tmp/coldstart');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const fresh = await timeToFirstPage(dataDir, limit);
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) warm.push(await timeToFirstPage(dataDir, limit));
  const row = { date: new Date().toISOString(), demoDigits: limit, freshMs: Math.round(fresh), importedMs: warm.map(Math.round), machine: machine() };
  console.log(JSON.stringify(row, null, 2));
}

main().catch((e) => { console.error(e); process.exit(1); });
