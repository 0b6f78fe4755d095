/**
 * npm run bench:claim-message — what Postgres spends on a claim's one-message transaction
 * (server/services/claim-in-one-message.ts): `BEGIN`, the annotator's lock, the expiry and
 * renewal, the insert of three planned leases, and the end, sent two ways on one connection:
 *
 *   text:    the statements with their values written in, as sent before db/pg-message.ts:
 *            Postgres parses, analyses and plans them on every claim;
 *   execute: `EXECUTE` of the same statements prepared once on the connection (the product now).
 *
 * Each message ends with `ROLLBACK` instead of `COMMIT`, so every call meets the same pool and
 * the figures leave out the commit's WAL flush (the same for both). Also prints Postgres's own
 * planning and execution times of each statement sent as text (`EXPLAIN ANALYZE`).
 * A 100,000-item pool seeded like bench:queue's (POOL), CALLS (500) messages each way after 50 to warm up,
 * alternating. Postgres at BENCH_DATABASE_URL or TEST_DATABASE_URL (a fresh database, dropped after).
 * Raw JSON: bench/results/claim-message-<date>.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PgDialect } from 'drizzle-orm/pg-core';
import { sqlOf, type Statement } from '../db/statement-shape';
import { openDatabase, type PooledClient } from '../db/client';
import { executeTexts } from '../db/pg-message';
import { advisoryLock } from '../db/transactions';
import { expireAndRenewOpening } from '../db/queries/leases';
import { leaseChosenStatement, type LeaseChoice } from '../db/queries/queue-state';
import { createPostgresDatabase } from '../tests/fixtures/database';
import { ROOT } from '../tests/fixtures/paths';
import { seedPool } from './seed-pool';
import { machine, percentile } from './stats';

const POOL = Number(process.env.POOL ?? 100_000);
const CALLS = Number(process.env.CALLS ?? 500);
const WARMUP = 50;
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;

const dialect = new PgDialect();
const inlined = (s: Statement) => dialect.sqlToQuery(sqlOf(s).inlineParams()).sql;

async function main() {
  const made = await createPostgresDatabase();
  const media = path.join(ROOT, 'bench/.tmp/claim-message-media');
  try {
    const database = await openDatabase({ url: made.url, poolSize: 2 });
    const seed = await seedPool(database, media, { pool: POOL, annotators: 5, dim: 0 });
    await database.close();
    const client = new pg.Client({ connectionString: made.url });
    await client.connect();
    const on: PooledClient = { query: (text: string) => client.query(text), release: () => {} };
    const [{ u: userId }] = (await client.query<{ u: string }>('select min(user_id) as u from memberships where project_id = $1', [seed.projectId])).rows.map((r) => ({ u: Number(r.u) }));
    const open = (await client.query<{ id: string }>(`select id from items where project_id = $1 and status = 'open' and split <> 'holdout' order by id limit 3000`, [seed.projectId])).rows.map((r) => Number(r.id));
    /** The k-th claim's statements: three different open items each time. */
    const claim = (k: number): Statement[] => {
      const now = new Date();
      const expiresAt = new Date(now.getTime() + 10 * 60_000);
      const chosen: LeaseChoice[] = [0, 1, 2].map((j) => ({
        itemId: open[(3 * k + j) % open.length], kind: 'open', stream: 'uncertain', detail: { kind: 'uncertain', strategy: 'margin' }, rankingId: seed.rankingId, score: 0.25 * (j + 1),
      }));
      return [advisoryLock(seed.projectId, userId), ...expireAndRenewOpening(seed.projectId, userId, now, expiresAt).statements(), leaseChosenStatement(seed.projectId, userId, expiresAt, chosen, 3)];
    };

    const planning: Record<string, { planningMs: number; executionMs: number }> = {};
    for (const [i, name] of ['the lock', 'the expiry and renewal', 'the lease insert'].entries()) {
      const plan: number[] = [];
      const exec: number[] = [];
      for (let k = 0; k < 50; k++) {
        await client.query('begin');
        const r = await client.query(`explain (analyze, format json) ${inlined(claim(k)[i])}`);
        await client.query('rollback');
        const j = (r.rows[0] as { 'QUERY PLAN': { 'Planning Time': number; 'Execution Time': number }[] })['QUERY PLAN'][0];
        plan.push(j['Planning Time']);
        exec.push(j['Execution Time']);
      }
      planning[name] = { planningMs: percentile(plan, 50), executionMs: percentile(exec, 50) };
    }

    const times: Record<'text' | 'execute', number[]> = { text: [], execute: [] };
    for (let k = 0; k < WARMUP + CALLS; k++) {
      for (const way of (k % 2 ? ['text', 'execute'] : ['execute', 'text']) as ('text' | 'execute')[]) {
        const statements = claim(k);
        const texts = way === 'text' ? statements.map(inlined) : await executeTexts(on, statements);
        const t0 = performance.now();
        await client.query(['begin', ...texts, 'rollback'].join(';\n'));
        if (k >= WARMUP) times[way].push(performance.now() - t0);
      }
    }
    await client.end();
    const summary = Object.fromEntries(Object.entries(times).map(([w, t]) => [w, { p50: percentile(t, 50), p90: percentile(t, 90), p99: percentile(t, 99) }]));
    const result = { command: 'npm run bench:claim-message', date: new Date().toISOString(), machine: machine(), pool: POOL, calls: CALLS, planning, roundTripMs: summary };
    console.log(JSON.stringify(result, null, 2));
    console.log('\n| statement sent as text | planning p50 ms | execution p50 ms |\n|---|---|---|');
    for (const [name, p] of Object.entries(planning)) console.log(`| ${name} | ${p.planningMs.toFixed(3)} | ${p.executionMs.toFixed(3)} |`);
    console.log('\n| the claim\'s message, sent as | p50 ms | p90 ms | p99 ms |\n|---|---|---|---|');
    for (const [w, s] of Object.entries(summary)) console.log(`| ${w} | ${s.p50.toFixed(3)} | ${s.p90.toFixed(3)} | ${s.p99.toFixed(3)} |`);
    const out = path.join(ROOT, `bench/results/claim-message-${new Date().toISOString().slice(0, 10)}.json`);
    fs.writeFileSync(out, JSON.stringify(result, null, 2));
    console.log(`\nraw: ${path.relative(ROOT, out)}`);
  } finally {
    fs.rmSync(media, { recursive: true, force: true });
    await made.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
