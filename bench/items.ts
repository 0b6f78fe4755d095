/**
 * npm run bench:items — the items page's API (`GET /api/projects/:id/items?…`) under every filter
 * and order on a large Postgres project, through a real server and a lead's session.
 *
 * The project: BENCH_POOL (1,000,000) items seeded by bench/seed-pool.ts (an applied ranking over
 * the pool with predicted class and uncertainty), then BENCH_ANSWERED (50,000) of them answered by
 * 20 annotators over 30 days, each dealt by a lease of a stream (uncertain 70%, easy 15%, cold 5%,
 * overlap 8%, gold 2%); overlap items answered twice, a third of them disagreeing (disputed); 500
 * open flags. Each case runs BENCH_REQUESTS (200) requests one after another after 5 warm-up ones:
 * half from the first page, half walking on through `next` cursors (keyset pages deep into the list).
 *
 *   BENCH_POOL, BENCH_ANSWERED, BENCH_REQUESTS; Postgres at BENCH_DATABASE_URL or TEST_DATABASE_URL
 *   (a fresh database is made and dropped). Target (issue 13): p99 < 200 ms for every case.
 *   BENCH_KEEP=1 keeps the seeded database and prints its URL; BENCH_REUSE_URL=<that URL> measures it
 *   again without seeding (for EXPLAIN between runs); BENCH_CASES=<regex> runs the matching cases only.
 * Raw JSON: bench/results/items-<date>.json. Exit 1 when a case misses the target.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../db/client';
import { ensureBuild } from '../server/build';
import { createLogger } from '../server/log';
import { Client } from '../tests/fixtures/http-client';
import { createPostgresDatabase } from '../tests/fixtures/database';
import { ROOT } from '../tests/fixtures/paths';
import { freePort, startTandem } from '../tests/fixtures/tandem-server';
import { BENCH_PASSWORD, seedPool } from './seed-pool';
import { machine, percentile } from './stats';

const env = (k: string, d: number) => Number(process.env[k] ?? d);
const POOL = env('BENCH_POOL', 1_000_000);
const ANSWERED = env('BENCH_ANSWERED', 50_000);
const REQUESTS = env('BENCH_REQUESTS', 200);
const TARGET_P99_MS = 200;
const ANNOTATORS = 20;

function log(s: string) { process.stderr.write(`${s}\n`); }
const rows = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;

/** Answers, leases, disputes and flags on top of the seeded pool, in a handful of set-based statements. */
async function seedAnswers(url: string, projectId: number): Promise<{ annotatorId: number }> {
  const database = await openDatabase({ url, poolSize: 1 });
  const db = database.db;
  try {
    const people = rows<{ id: number }>(await db.execute(sql`select user_id as id from memberships where project_id = ${projectId} and role = 'annotator' order by user_id`)).map((r) => Number(r.id));
    const ids = sql.raw(`ARRAY[${people.join(',')}]::int[]`);
    // The answered items: every (POOL / ANSWERED)-th open pool item, so they spread over the id range.
    await db.execute(sql`create temporary table answered as
      select id as item_id, row_number() over (order by id) as k from items
      where project_id = ${projectId} and split = 'pool' and status = 'open' and id % ${Math.max(1, Math.floor(POOL / ANSWERED))} = 0
      limit ${ANSWERED}`);
    await db.execute(sql`alter table answered add column stream text, add column who int, add column at timestamptz`);
    await db.execute(sql`update answered set
      stream = case when k % 100 < 70 then 'uncertain' when k % 100 < 85 then 'easy' when k % 100 < 90 then 'cold' when k % 100 < 98 then 'overlap' else 'gold' end,
      who = (${ids})[1 + (k % ${people.length})],
      at = now() - interval '30 days' + (k::float / ${ANSWERED}) * interval '30 days'`);
    await db.execute(sql`insert into leases (project_id, item_id, user_id, stream, state, claimed_at, expires_at, ended_at)
      select ${projectId}, item_id, who, stream, 'completed', at - interval '20 seconds', at + interval '10 minutes', at from answered`);
    await db.execute(sql`insert into annotations (project_id, item_id, user_id, action, payload, source, created_at)
      select ${projectId}, item_id, who, 'label', jsonb_build_object('task', 'classification', 'label', (k % 10)::text), 'human', at from answered`);
    // The second answer of overlap and gold items, from the next annotator; a third of them disagree.
    await db.execute(sql`insert into leases (project_id, item_id, user_id, stream, state, claimed_at, expires_at, ended_at)
      select ${projectId}, item_id, (${ids})[1 + ((k + 1) % ${people.length})], stream, 'completed', at, at + interval '10 minutes', at + interval '1 minute'
      from answered where stream in ('overlap', 'gold')`);
    await db.execute(sql`insert into annotations (project_id, item_id, user_id, action, payload, source, created_at)
      select ${projectId}, item_id, (${ids})[1 + ((k + 1) % ${people.length})], 'label',
        jsonb_build_object('task', 'classification', 'label', (case when k % 3 = 0 then (k + 1) % 10 else k % 10 end)::text), 'human', at + interval '1 minute'
      from answered where stream in ('overlap', 'gold')`);
    await db.execute(sql`update items i set status = case when a.stream in ('overlap', 'gold') and a.k % 3 = 0 then 'disputed' else 'resolved' end
      from answered a where i.id = a.item_id`);
    await db.execute(sql`insert into item_flags (project_id, item_id, kind, reason, comment, user_id, created_at)
      select ${projectId}, item_id, 'annotator', (array['unclear', 'broken', 'no-class'])[1 + k % 3], 'seeded', who, at from answered where k % 100 = 7 limit 500`);
    await db.execute(sql`drop table answered`);
    await db.execute(sql`vacuum analyze`);
    return { annotatorId: people[3] };
  } finally {
    await database.close();
  }
}

interface Case { name: string; query: string }

function cases(annotatorId: number): Case[] {
  const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);
  return [
    { name: 'no filter, newest answer first', query: '' },
    { name: 'no filter, by id', query: 'sort=id' },
    { name: 'no filter, most uncertain first', query: 'sort=uncertainty' },
    { name: 'state open', query: 'status=open&sort=id' },
    { name: 'state disputed', query: 'status=disputed' },
    { name: 'state resolved, by id', query: 'status=resolved&sort=id' },
    { name: 'disputed (shorthand), by id', query: 'disputed=1&sort=id' },
    { name: 'split holdout, by id', query: 'split=holdout&sort=id' },
    { name: 'stream gold', query: 'stream=gold' },
    { name: 'stream overlap, by id', query: 'stream=overlap&sort=id' },
    { name: 'class 3', query: 'class=3' },
    { name: 'class 3, by id', query: 'class=3&sort=id' },
    { name: 'predicted 7, by id', query: 'predicted=7&sort=id' },
    { name: 'predicted 7, most uncertain first', query: 'predicted=7&sort=uncertainty' },
    { name: 'one annotator', query: `annotator=${annotatorId}` },
    { name: 'one annotator, by id', query: `annotator=${annotatorId}&sort=id` },
    { name: 'flagged', query: 'flagged=1' },
    { name: 'flagged, by id', query: 'flagged=1&sort=id' },
    { name: 'not flagged, by id', query: 'flagged=0&sort=id' },
    { name: 'uncertainty 0.4–0.6, by id', query: 'uncertaintyMin=0.4&uncertaintyMax=0.6&sort=id' },
    { name: 'uncertainty 0.999–1, most uncertain first', query: 'uncertaintyMin=0.999&uncertaintyMax=1&sort=uncertainty' },
    { name: 'answered in the last 3 days', query: `from=${day(3)}` },
    { name: 'answered on one day, by id', query: `from=${day(10)}&to=${day(10)}&sort=id` },
    { name: 'resolved + class 3 + stream uncertain, most uncertain first', query: 'status=resolved&class=3&stream=uncertain&sort=uncertainty' },
    { name: 'open + predicted 2 + uncertainty ≥ 0.9, most uncertain first', query: 'status=open&predicted=2&uncertaintyMin=0.9&sort=uncertainty' },
  ];
}

async function measure(lead: Client, projectId: number, c: Case) {
  const base = `/api/projects/${projectId}/items?${c.query}${c.query ? '&' : ''}`;
  const first: number[] = [];
  const deep: number[] = [];
  let walk: string | null = null;
  let depth = 1;
  let deepest = 1;
  let firstCount = 0;
  for (let i = 0; i < REQUESTS + 5; i++) {
    // Even requests ask for the first page; odd ones walk on through the cursors, one page further each
    // time (back to the first page when the list ends), so keyset pages deep into the list are measured too.
    const walking = i % 2 === 1;
    const url = walking && walk ? `${base}after=${encodeURIComponent(walk)}` : base;
    const t0 = performance.now();
    const r = await lead.request('GET', url);
    const ms = performance.now() - t0;
    if (r.status !== 200) throw new Error(`${c.name}: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
    if (!walking) firstCount = r.json.items.length;
    else {
      depth = walk ? depth + 1 : 1;
      deepest = Math.max(deepest, depth);
      walk = r.json.next;
    }
    if (i >= 5) (walking ? deep : first).push(ms);
  }
  const all = [...first, ...deep];
  return {
    name: c.name, query: c.query, firstPage: firstCount, deepestPage: deepest,
    p50: percentile(all, 50), p99: percentile(all, 99), max: Math.max(...all), firstPageP99: percentile(first, 99), deepPagesP99: percentile(deep, 99),
  };
}

async function main() {
  if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
  await ensureBuild(ROOT, createLogger('info', 'bench'));
  const reuse = process.env.BENCH_REUSE_URL;
  const pg = reuse ? { url: reuse, drop: async () => {} } : await createPostgresDatabase();
  const keep = reuse !== undefined || process.env.BENCH_KEEP === '1';
  const dataDir = path.join(ROOT, 'bench/.tmp/items');
  if (!reuse) fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    let projectId: number;
    let annotatorId: number;
    if (reuse) {
      const database = await openDatabase({ url: pg.url, poolSize: 1 });
      projectId = Number(rows<{ id: number }>(await database.db.execute(sql`select id from projects where slug = 'bench-items'`))[0].id);
      annotatorId = Number(rows<{ id: number }>(await database.db.execute(sql`select user_id as id from memberships where project_id = ${projectId} and role = 'annotator' order by user_id offset 3 limit 1`))[0].id);
      await database.close();
    } else {
      log(`seeding ${POOL.toLocaleString('en')} items, ${ANSWERED.toLocaleString('en')} answered`);
      const t0 = Date.now();
      const database = await openDatabase({ url: pg.url, poolSize: 2 });
      const seed = await seedPool(database, path.join(dataDir, 'media'), { pool: POOL, annotators: ANNOTATORS, dim: 0, slug: 'bench-items' });
      await database.close();
      projectId = seed.projectId;
      ({ annotatorId } = await seedAnswers(pg.url, seed.projectId));
      log(`seeded in ${((Date.now() - t0) / 1000).toFixed(0)} s${keep ? `; kept at ${pg.url}` : ''}`);
    }
    const server = await startTandem({ dataDir, port: await freePort(), env: { DATABASE_URL: pg.url, TANDEM_DEMO: '0', TANDEM_TRAINER: '0' } });
    const results = [];
    const only = process.env.BENCH_CASES ? new RegExp(process.env.BENCH_CASES) : null;
    try {
      const lead = await new Client(server.url).login('lead@bench.local', BENCH_PASSWORD);
      for (const c of cases(annotatorId).filter((x) => !only || only.test(x.name))) {
        const r = await measure(lead, projectId, c);
        results.push(r);
        log(`${r.p99 < TARGET_P99_MS ? 'ok  ' : 'MISS'} p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  ${r.name} (${r.firstPage} on page 1, ${r.deepestPage} pages walked)`);
      }
    } finally {
      await server.stop();
    }
    const date = new Date().toISOString();
    const out = { command: 'npm run bench:items', date, machine: machine(), loadAverage: os.loadavg(), pool: POOL, answered: ANSWERED, requests: REQUESTS, targetP99Ms: TARGET_P99_MS, results };
    fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    const custom = POOL !== 1_000_000 || ANSWERED !== 50_000 || REQUESTS !== 200 || only !== null;
    const file = path.join(ROOT, `bench/results/items-${date.slice(0, 10)}${custom ? '-custom' : ''}.json`);
    fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(`| case | query | p50 ms | p99 ms | pages walked |\n| --- | --- | ---: | ---: | ---: |\n${results.map((r) => `| ${r.name} | \`${r.query || '(none)'}\` | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.deepestPage} |`).join('\n')}\n`);
    log(`wrote ${path.relative(ROOT, file)} (load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`);
    if (results.some((r) => r.p99 >= TARGET_P99_MS)) process.exitCode = 1;
  } finally {
    if (!keep) await pg.drop();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(2);
});
