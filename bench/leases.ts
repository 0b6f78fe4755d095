/**
 * npm run bench:leases — the lease property test (tests/server/services/
 * lease-property.test.ts) at scale: LEASE_PROPERTY_CLAIMS (100,000) claims
 * from random concurrent interleavings of claims, skips, labels, releases and
 * expiries by 8 annotators over 128-item projects (40 steps per run), on PGlite and on Postgres (BENCH_DATABASE_URL or
 * TEST_DATABASE_URL; without one only PGlite runs, and says so). Invariants are
 * checked after every step; reports claims done, double leases and time.
 * Raw JSON: bench/results/leases-<date>.json. Exit 1 when the property fails.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../tests/fixtures/paths';
import { machine } from './stats';

async function main() {
  const claims = process.env.LEASE_PROPERTY_CLAIMS ?? '100000';
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? '';
  if (!url) process.stderr.write('bench:leases: no BENCH_DATABASE_URL or TEST_DATABASE_URL: PGlite only\n');
  const started = Date.now();
  // BENCH_VITEST_CONFIG: another vitest config (e.g. one without the Next build in its global setup).
  const config = process.env.BENCH_VITEST_CONFIG ? ['-c', process.env.BENCH_VITEST_CONFIG] : [];
  // BENCH_LEASES_DB=pglite|postgres: one database only (e.g. the two in parallel processes).
  if (process.env.BENCH_LEASES_DB) config.push('-t', `on ${process.env.BENCH_LEASES_DB}`);
  const child = spawn('npx', ['vitest', 'run', ...config, 'tests/server/services/lease-property.test.ts'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      LEASE_PROPERTY_ANNOTATORS: '8', LEASE_PROPERTY_POOL: '128', LEASE_PROPERTY_STEPS: '40',
      ...process.env, LEASE_PROPERTY_CLAIMS: claims, TEST_DATABASE_URL: url,
    },
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; process.stderr.write(d); });
  child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  const results = [...out.matchAll(/lease property (\w+): (\d+) claims in (\d+) projects, (\d+) double leases, ([\d.]+) s, (\d+) claims aborted by deadlock/g)]
    .map((m) => ({ database: m[1], claims: Number(m[2]), projects: Number(m[3]), doubleLeases: Number(m[4]), seconds: Number(m[5]), deadlocks: Number(m[6]) }));
  const row = {
    command: 'npm run bench:leases', date: new Date().toISOString(), machine: machine(), targetClaims: Number(claims),
    settings: { tolerateDeadlocks: process.env.LEASE_PROPERTY_TOLERATE_DEADLOCKS === '1', annotators: Number(process.env.LEASE_PROPERTY_ANNOTATORS ?? 8), pool: Number(process.env.LEASE_PROPERTY_POOL ?? 128), steps: Number(process.env.LEASE_PROPERTY_STEPS ?? 40) },
    passed: code === 0, wallSeconds: Math.round((Date.now() - started) / 100) / 10, results,
  };
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  const file = path.join(ROOT, `bench/results/leases-${row.date.slice(0, 10)}${process.env.BENCH_LEASES_DB ? `-${process.env.BENCH_LEASES_DB}` : ''}.json`);
  fs.writeFileSync(file, JSON.stringify(row, null, 2) + '\n');
  console.log(JSON.stringify(row, null, 2));
  console.log('\n| date | database | claims | double leases | claims aborted by deadlock | time | property |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) console.log(`| ${row.date.slice(0, 10)} | ${r.database} | ${r.claims.toLocaleString('en')} | ${r.doubleLeases} | ${r.deadlocks} | ${r.seconds} s | ${row.passed ? 'held' : 'FAILED'} |`);
  process.exitCode = code === 0 && results.length > 0 ? 0 : 1;
}

main().catch((e) => { console.error(e); process.exit(2); });
