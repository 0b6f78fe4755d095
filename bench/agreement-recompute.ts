/**
 * npm run bench:agreement-recompute — the server's agreement recompute (services.consensus.recompute:
 * read every standing answer, Dawid–Skene, consensus changes written, snapshot stored) on a
 * classification project with BENCH_AGREEMENT_ANSWERS (100,000) answers: items answered by two of
 * five simulated annotators (one flips 30% of their answers), on PGlite and, with TEST_DATABASE_URL
 * or BENCH_DATABASE_URL, on Postgres. The first recompute writes a consensus for every overlapped
 * item; the next ones, after one new answer each, are what a label costs in steady state.
 * Raw JSON: bench/results/agreement-recompute-<date>.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { annotations, items } from '../db/schema';
import { createServices } from '../server/services';
import { createMediaStore } from '../server/media';
import { SYSTEM } from '../server/services/access';
import { mulberry32 } from '../lib/random';
import { openDatabase, migrateDatabase, type Database } from '../db/client';
import { createPostgresDatabase } from '../tests/fixtures/database';
import { ROOT, TMP_ROOT } from '../tests/fixtures/paths';
import { machine, percentile } from './stats';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { inlineAgreement, sharedAgreementThread } from '../server/threads/agreement-thread';

const ANSWERS = Number(process.env.BENCH_AGREEMENT_ANSWERS ?? 100_000);
const RUNS = Number(process.env.BENCH_AGREEMENT_RUNS ?? 7);
const CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const ERRORS = [0.02, 0.03, 0.04, 0.05, 0.3];
/** BENCH_AGREEMENT_THREAD=0: Dawid–Skene on the calling thread, as before the agreement thread. */
const ON_THREAD = process.env.BENCH_AGREEMENT_THREAD !== '0';

/** A fresh migrated database: PGlite in a scratch folder, or a new database on the Postgres server. */
async function open(kind: 'pglite' | 'postgres'): Promise<Database> {
  if (kind === 'postgres') {
    const pg = await createPostgresDatabase();
    const db = await openDatabase({ url: pg.url, poolSize: 4 });
    await migrateDatabase(db);
    return { ...db, close: async () => { await db.close(); await pg.drop(); } };
  }
  const dir = path.join(TMP_ROOT, `bench-agreement-${Date.now()}`);
  const db = await openDatabase({ dataDir: dir });
  await migrateDatabase(db);
  return { ...db, close: async () => { await db.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

async function one(kind: 'pglite' | 'postgres') {
  const database = await open(kind);
  try {
    const services = createServices(database.db, { leaseSeconds: 600, media: createMediaStore(path.join(TMP_ROOT, 'bench-media')), agreement: ON_THREAD ? sharedAgreementThread() : inlineAgreement });
    const project = await services.projects.create(SYSTEM, { slug: 'agreement-bench', classes: CLASSES });
    const users: number[] = [];
    for (let k = 0; k < ERRORS.length; k++) {
      const u = await services.users.add(SYSTEM, { email: `a${k}@bench.local`, password: 'bench-password-1' });
      await services.projects.setMember(SYSTEM, project.id, u.id, 'annotator');
      users.push(u.id);
    }
    const n = Math.ceil(ANSWERS / 2);
    const seedStart = Date.now();
    await database.db.execute(sql`
      insert into items (project_id, media, media_type, content_hash, source_name, group_key, split, status, deal_key)
      select ${project.id}, 'x.png', 'image/png', 'h' || g, g || '.png', g::text, 'pool', 'resolved', random() from generate_series(1, ${n}) g`);
    const ids = (await database.db.select({ id: items.id }).from(items).where(sql`${items.projectId} = ${project.id}`).orderBy(items.id)).map((r) => r.id);
    const rng = mulberry32(7);
    const rows: (typeof annotations.$inferInsert)[] = [];
    const disputed: number[] = [];
    for (let i = 0; i < ids.length && rows.length < ANSWERS; i++) {
      const truth = i % CLASSES.length;
      const a = Math.floor(rng() * 5);
      const b = (a + 1 + Math.floor(rng() * 4)) % 5;
      const said = [a, b].map((k) => (rng() < ERRORS[k] ? (truth + 1 + Math.floor(rng() * 9)) % 10 : truth));
      if (said[0] !== said[1]) disputed.push(ids[i]);
      for (const [j, k] of [a, b].entries()) {
        rows.push({ projectId: project.id, itemId: ids[i], userId: users[k], action: 'label', source: 'human', payload: { task: 'classification', label: CLASSES[said[j]] } });
      }
    }
    for (let at = 0; at < rows.length; at += 5000) await database.db.insert(annotations).values(rows.slice(at, at + 5000));
    for (let at = 0; at < disputed.length; at += 5000) {
      await database.db.execute(sql`update items set status = 'disputed' where id in (${sql.join(disputed.slice(at, at + 5000).map((id) => sql`${id}`), sql`, `)})`);
    }
    await database.db.execute(sql`analyze`);
    const seedMs = Date.now() - seedStart;

    let t0 = performance.now();
    const first = await services.consensus.recompute(project.id);
    const firstMs = performance.now() - t0;
    const steady: number[] = [];
    // How long the calling thread (the server's, where claims and labels are answered) was held at once.
    const held = monitorEventLoopDelay({ resolution: 5 });
    held.enable();
    for (let r = 0; r < RUNS; r++) {
      // One more answer, as after a label: then the recompute.
      await database.db.insert(annotations).values({ projectId: project.id, itemId: ids[r], userId: users[(r + 2) % 5], action: 'label', source: 'human', payload: { task: 'classification', label: CLASSES[r % 10] } });
      t0 = performance.now();
      await services.consensus.recompute(project.id);
      steady.push(performance.now() - t0);
    }
    held.disable();
    const noisy = first?.annotators.filter((a) => a.noisy).map((a) => a.name) ?? [];
    return {
      database: kind, answers: first?.answers ?? 0, items: ids.length, seedMs, firstMs: Math.round(firstMs),
      steadyMs: { p50: Math.round(percentile(steady, 50)), p99: Math.round(percentile(steady, 99)), max: Math.round(Math.max(...steady)), runs: steady.length },
      dawidSkene: ON_THREAD ? 'agreement thread' : 'calling thread',
      /** The longest the calling thread was held at once during the steady recomputes (event-loop delay, 5 ms resolution). */
      threadHeldMaxMs: Math.round(held.max / 1e6),
      noisyFlagged: noisy,
    };
  } finally {
    await database.close();
  }
}

async function main() {
  const all: ('pglite' | 'postgres')[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  // BENCH_AGREEMENT_DB=pglite|postgres: one database only.
  const kinds = all.filter((k) => !process.env.BENCH_AGREEMENT_DB || k === process.env.BENCH_AGREEMENT_DB);
  if (!process.env.TEST_DATABASE_URL) process.stderr.write('bench:agreement-recompute: no TEST_DATABASE_URL: PGlite only\n');
  const results = [];
  for (const kind of kinds) results.push(await one(kind));
  const row = { command: `${ON_THREAD ? '' : 'BENCH_AGREEMENT_THREAD=0 '}npm run bench:agreement-recompute`, date: new Date().toISOString(), machine: machine(), answers: ANSWERS, results };
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, `bench/results/agreement-recompute-${row.date.slice(0, 10)}${ON_THREAD ? '' : '-calling-thread'}.json`), JSON.stringify(row, null, 2) + '\n');
  console.log(JSON.stringify(row, null, 2));
  console.log('\n| date | database | answers | Dawid–Skene on | first recompute | steady p50 | steady p99 | calling thread held at most | noisy flagged |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) console.log(`| ${row.date.slice(0, 10)} | ${r.database} | ${r.answers.toLocaleString('en')} | ${r.dawidSkene} | ${r.firstMs} ms | ${r.steadyMs.p50} ms | ${r.steadyMs.p99} ms | ${r.threadHeldMaxMs} ms | ${r.noisyFlagged.join(', ') || 'none'} |`);
}

main().catch((e) => { console.error(e); process.exit(2); });
