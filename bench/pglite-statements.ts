/**
 * npm run bench:pglite-statements — what a claim's reads cost on PGlite, statement by statement,
 * with db/pglite-prepared.ts off (every call parsed and planned; TANDEM_PGLITE_PREPARE=0) and on
 * (prepared once, executed by name). On PGlite every statement runs on the server's own thread,
 * so this time is time every other request waits.
 *
 * A pool like bench:queue's PGlite scenario (POOL 100,000 items, 10 annotators, 100 labels,
 * ranking and 32-d embeddings; seeded once into bench/.tmp/pglite-statements, kept between runs),
 * then CALLS (500) calls of each read after 50 to warm up, alternating the two modes.
 *   POOL=20000 CALLS=200 npm run bench:pglite-statements
 * Raw JSON: bench/results/pglite-statements-<date>.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Database } from '../db/client';
import { findProjectWithRole } from '../db/queries/projects';
import { listLabelEventsAfter, readClaimState } from '../db/queries/queue-state';
import { ROOT } from '../tests/fixtures/paths';
import { seedPool } from './seed-pool';
import { machine, percentile } from './stats';

const POOL = Number(process.env.POOL ?? 100_000);
const CALLS = Number(process.env.CALLS ?? 500);
const dir = path.join(ROOT, `bench/.tmp/pglite-statements-${POOL}`);

async function open(prepared: boolean): Promise<Database> {
  process.env.TANDEM_PGLITE_PREPARE = prepared ? '1' : '0';
  return openDatabase({ dataDir: path.join(dir, 'db') });
}

async function main() {
  if (!fs.existsSync(path.join(dir, 'seeded'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    const database = await open(false);
    await seedPool(database, path.join(dir, 'media'), { pool: POOL, annotators: 10, dim: 32 });
    await database.close();
    fs.writeFileSync(path.join(dir, 'seeded'), '');
  }
  const reads: Record<string, (db: Database['db'], projectId: number, userId: number) => Promise<unknown>> = {
    'the access check (project and role)': (db, projectId, userId) => findProjectWithRole(db, projectId, userId),
    "the claim's state (holds, skips, history, controls, disputes)": (db, projectId, userId) => readClaimState(db, projectId, userId, 6, new Date()),
    "the label book's refresh (answers since the last 50)": async (db, projectId) => listLabelEventsAfter(db, projectId, 50),
  };
  const times: Record<string, Record<'off' | 'on', number[]>> = {};
  for (const name of Object.keys(reads)) times[name] = { off: [], on: [] };
  for (const mode of ['off', 'on', 'off', 'on'] as const) {
    const database = await open(mode === 'on');
    const { rows } = await database.db.execute<{ p: number; u: number }>(
      'select (select id from projects limit 1) as p, (select min(id) from users) as u' as never) as unknown as { rows: { p: number; u: number }[] };
    const [{ p, u }] = rows;
    for (const [name, read] of Object.entries(reads)) {
      for (let i = 0; i < 50; i++) await read(database.db, p, u);
      for (let i = 0; i < CALLS / 2; i++) {
        const t = performance.now();
        await read(database.db, p, u);
        times[name][mode].push(performance.now() - t);
      }
    }
    await database.close();
  }
  const f = (x: number) => x.toFixed(3);
  const rowsOut = Object.entries(times).map(([name, t]) => ({
    read: name,
    offMs: { p50: percentile(t.off, 50), p99: percentile(t.off, 99) },
    onMs: { p50: percentile(t.on, 50), p99: percentile(t.on, 99) },
  }));
  const result = { date: new Date().toISOString(), machine: machine(), pool: POOL, calls: CALLS, rows: rowsOut };
  const out = path.join(ROOT, `bench/results/pglite-statements-${result.date.slice(0, 10)}${POOL === 100_000 && CALLS === 500 ? '' : '-custom'}.json`);
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(`\n| read | unprepared p50 / p99 ms | prepared p50 / p99 ms |\n|---|---|---|`);
  for (const r of rowsOut) console.log(`| ${r.read} | ${f(r.offMs.p50)} / ${f(r.offMs.p99)} | ${f(r.onMs.p50)} / ${f(r.onMs.p99)} |`);
  console.log(`\nwritten to ${path.relative(ROOT, out)}`);
}

await main();
