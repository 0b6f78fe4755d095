/**
 * node bench/slow-requests-disk.mjs <spans file> <disk log> [slow ms, 40] [busy device ms per interval, 100]
 * Whether bench:queue's slow requests came while the disk was slow. Run the bench as
 *   node bench/disk-sampler.mjs vda /tmp/disk.log 100 &
 *   BENCH_TRACE=1 BENCH_SPANS_FILE=/tmp/spans.jsonl BENCH_DB=postgres BENCH_THINK_MS=1000 npm run bench:queue
 * (then stop the sampler). Prints the disk's busy intervals in the measured window (device time
 * spent writing above the threshold), each with the requests over `slow ms` that were in flight
 * then, and how many of all the slow requests met such an interval. A write that takes the device
 * hundreds of ms holds every commit's WAL flush queued behind it.
 */
import fs from 'node:fs';

const [spansFile, diskFile, slowArg, busyArg] = process.argv.slice(2);
if (!spansFile || !diskFile) {
  console.error('usage: node bench/slow-requests-disk.mjs <spans file> <disk log> [slow ms] [busy device ms]');
  process.exit(2);
}
const slowMs = Number(slowArg ?? 40);
const busyMs = Number(busyArg ?? 100);
const spans = fs.readFileSync(spansFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((s) => ({ ...s, start: Date.parse(s.at) }));
const from = Math.min(...spans.map((s) => s.start));
const to = Math.max(...spans.map((s) => s.start + s.ms));
const disk = [];
let last = null;
for (const line of fs.readFileSync(diskFile, 'utf8').trim().split('\n')) {
  const p = line.split(' ');
  const end = Date.parse(p[0]);
  // Each line covers the interval since the one before it.
  if (last !== null && end >= from && last <= to) disk.push({ start: last, end, writes: Number(p[2]), mb: Number(p[4]), writeMs: Number(p[6]) });
  last = end;
}
const slow = spans.filter((s) => s.ms > slowMs);
const busy = disk.filter((d) => d.writeMs > busyMs);
const met = new Set();
const hms = (t) => new Date(t).toISOString().slice(11, 23);
console.log(`window ${hms(from)}–${hms(to)}: ${spans.length} requests, ${slow.length} over ${slowMs} ms; ${disk.length} disk intervals, ${busy.length} with over ${busyMs} ms of device time writing`);
for (const d of busy) {
  // A request met the interval when it was in flight during it, or began within 50 ms after it.
  const during = slow.filter((s) => s.start <= d.end + 50 && s.start + s.ms >= d.start);
  for (const s of during) met.add(s);
  const worst = during.reduce((m, s) => Math.max(m, s.ms), 0);
  console.log(`${hms(d.start)}–${hms(d.end)}  ${String(d.writes).padStart(4)} writes ${d.mb.toFixed(2).padStart(6)} MB  device ${String(d.writeMs).padStart(5)} ms  | slow requests in flight: ${during.length}${during.length ? `, the slowest ${worst.toFixed(0)} ms` : ''}`);
}
console.log(`${met.size} of the ${slow.length} requests over ${slowMs} ms were in flight while the disk was busy`);
