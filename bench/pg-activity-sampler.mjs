/**
 * What Postgres's backends were doing, second by second, to lay beside bench:queue's spans
 * (BENCH_SPANS_FILE):
 *   TEST_DATABASE_URL=… node bench/pg-activity-sampler.mjs record FILE &   (then run the bench; kill it after)
 *   node bench/pg-activity-sampler.mjs summary FILE FROM TO               (ISO times: the measured window)
 * `record` writes, every ~10 ms, the active client
 * backends' wait events (`cpu` when a backend waits on nothing: running, or ready to run), and once
 * a second the cluster's `pg_stat_wal` (its sync time only with `track_wal_io_timing = on`) and the
 * machine's CPU time from /proc/stat. `summary` gives the window's share of each wait event among
 * active backends, the WAL written, synced and full-page images, and the machine's idle and stolen time.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';

const [mode, file, from, to] = process.argv.slice(2);
if (mode === 'record') {
  const pg = createRequire(import.meta.url)('pg');
  const out = fs.createWriteStream(file);
  const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await c.connect();
  const waits = { name: 'waits', text: "select coalesce(wait_event_type, '') || ':' || coalesce(wait_event, 'cpu') as w from pg_stat_activity where backend_type = 'client backend' and state = 'active' and pid <> pg_backend_pid()" };
  const wal = { name: 'wal', text: 'select wal_records, wal_fpi, wal_bytes, wal_sync, wal_sync_time from pg_stat_wal' };
  let lastWal = 0;
  for (;;) {
    const now = Date.now();
    if (now - lastWal >= 1000) {
      lastWal = now;
      const w = (await c.query(wal)).rows[0];
      out.write(`${new Date(now).toISOString()} WAL ${w.wal_records} ${w.wal_fpi} ${w.wal_bytes} ${w.wal_sync} ${w.wal_sync_time}\n`);
      // user nice system idle iowait irq softirq steal, in clock ticks since boot.
      out.write(`${new Date(now).toISOString()} CPU ${fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).join(' ')}\n`);
    }
    const r = await c.query(waits);
    out.write(`${new Date().toISOString()} ACTIVE ${r.rows.map((x) => x.w).join(' ')}\n`);
    await new Promise((res) => setTimeout(res, 10));
  }
} else if (mode === 'summary' && to) {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(' ')).filter(([t]) => t >= from && t <= to);
  const events = new Map();
  let samples = 0;
  let busy = 0;
  for (const [, kind, ...words] of lines) {
    if (kind !== 'ACTIVE') continue;
    const rest = words.filter(Boolean);
    samples++;
    if (rest.length) busy++;
    for (const e of rest) events.set(e, (events.get(e) ?? 0) + 1);
  }
  const total = [...events.values()].reduce((a, b) => a + b, 0);
  console.log(`${samples} samples, ${busy} with a backend active (${((100 * busy) / samples).toFixed(0)}%); active backends by wait event:`);
  for (const [e, n] of [...events].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${((100 * n) / total).toFixed(1).padStart(5)}%  ${e}`);
  const wal = lines.filter(([, k]) => k === 'WAL').map(([t, , ...v]) => ({ t: Date.parse(t), v: v.map(Number) }));
  if (wal.length >= 2) {
    const [a, b] = [wal[0], wal.at(-1)];
    const s = (b.t - a.t) / 1000;
    const d = b.v.map((x, i) => x - a.v[i]);
    console.log(`WAL over ${s.toFixed(1)} s: ${(d[0] / s).toFixed(0)} records/s, ${(d[1] / s).toFixed(0)} full-page images/s, ${(d[2] / s / 1048576).toFixed(2)} MiB/s, ${(d[3] / s).toFixed(0)} syncs/s` +
      (d[4] > 0 ? `, ${(d[4] / d[3]).toFixed(2)} ms a sync (${((100 * d[4]) / (s * 1000)).toFixed(1)}% of the time syncing)` : ' (sync time: set track_wal_io_timing = on)'));
  }
  const cpu = lines.filter(([, k]) => k === 'CPU').map(([, , ...v]) => v.map(Number));
  if (cpu.length >= 2) {
    const d = cpu.at(-1).map((x, i) => x - cpu[0][i]);
    const all = d.reduce((a, b) => a + b, 0);
    console.log(`the machine's CPU over the window: ${((100 * (d[3] + d[4])) / all).toFixed(0)}% idle, ${((100 * d[7]) / all).toFixed(1)}% stolen by the host`);
  }
} else {
  console.error('usage: node bench/pg-activity-sampler.mjs record FILE | summary FILE FROM TO');
  process.exit(2);
}
