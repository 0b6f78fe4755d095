/**
 * node bench/slow-claims-gc.mjs <bench log> <server output>
 * Which of the slowest claims a garbage collection overlapped. Run the bench as
 *   BENCH_TRACE=1 BENCH_SERVER_OUT=/tmp/server.log \
 *   BENCH_SERVER_NODE_ARGS="--trace-gc --import ./bench/print-time-origin.mjs" \
 *   BENCH_DB=postgres BENCH_THINK_MS=1000 npm run bench:queue > /tmp/bench.log
 * The trace lists the 16 slowest claims with their start times; --trace-gc stamps each
 * collection when it ends, in ms since the server process started (its time origin, printed at
 * start). A mark-compact's incremental marking runs for ~50 ms before that line, so a claim counts
 * as overlapped when a mark-compact ended within 100 ms before it began or while it ran.
 */
import fs from 'node:fs';

const [logFile, serverFile] = process.argv.slice(2);
if (!logFile || !serverFile) {
  console.error('usage: node bench/slow-claims-gc.mjs <bench log> <server output>');
  process.exit(2);
}
const lines = fs.readFileSync(serverFile, 'utf8').split('\n');
// The measured server is the last one started.
const start = lines.map((l, i) => (l.startsWith('TIME_ORIGIN ') ? i : -1)).filter((i) => i >= 0).pop();
if (start === undefined) throw new Error(`${serverFile} has no TIME_ORIGIN line: start the server with --import ./bench/print-time-origin.mjs`);
const origin = Number(lines[start].split(' ')[1]);
const gcs = [];
for (const l of lines.slice(start)) {
  const m = /^\[\d+:0x([0-9a-f]+)\]\s+(\d+) ms: (Scavenge|Mark-Compact)[^,]*, ([\d.]+) \//.exec(l);
  // Worker isolates (addresses 0x7f…) collect their own heaps, not the server's.
  if (m && !m[1].startsWith('7f')) gcs.push({ at: origin + Number(m[2]), kind: m[3], pauseMs: Number(m[4]) });
}
const slow = [...fs.readFileSync(logFile, 'utf8').matchAll(/\((\d{4}-\d\d-\d\dT[\d:.]+Z)\): ([\d.]+) ms/g)].map((m) => ({ at: Date.parse(m[1]), ms: Number(m[2]) }));
let overlapped = 0;
for (const c of slow) {
  const near = gcs.filter((g) => g.at >= c.at - 100 && g.at <= c.at + c.ms);
  if (near.some((g) => g.kind === 'Mark-Compact')) overlapped++;
  console.log(`${new Date(c.at).toISOString().slice(11, 23)}  ${c.ms.toFixed(1).padStart(5)} ms  ${near.map((g) => `${g.kind} ${g.pauseMs} ms at ${(g.at - c.at).toFixed(0)} ms`).join(', ') || '-'}`);
}
console.log(`${overlapped} of the ${slow.length} slowest claims began within 100 ms after a mark-compact ended, or ran while one ended`);
const mc = gcs.filter((g) => g.kind === 'Mark-Compact').map((g) => ((g.at - origin) / 1000).toFixed(1));
console.log(`mark-compacts at (s after the server started; the load starts after the pool view is built): ${mc.join(' ')}`);
