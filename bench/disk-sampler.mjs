/**
 * node bench/disk-sampler.mjs <device, e.g. vda> <out file> [interval ms, 200]
 * Every interval, from /proc/diskstats: writes completed, MB written, ms spent writing, flushes and
 * ms spent flushing, one line each with its wall-clock time. Run it beside a bench to see whether
 * the slow requests' seconds (BENCH_SPANS_FILE) were seconds when the disk stalled. Stop it with a signal.
 */
import fs from 'node:fs';

const [device, outFile, everyArg] = process.argv.slice(2);
if (!outFile) {
  console.error('usage: node bench/disk-sampler.mjs <device> <out file> [interval ms]');
  process.exit(2);
}
const out = fs.createWriteStream(outFile);
const read = () => {
  const line = fs.readFileSync('/proc/diskstats', 'utf8').split('\n').find((l) => l.trim().split(/\s+/)[2] === device);
  if (!line) throw new Error(`no device ${device} in /proc/diskstats`);
  const f = line.trim().split(/\s+/).map(Number);
  // Fields (Documentation/admin-guide/iostats.rst): 8 writes completed, 10 sectors written, 11 ms writing, 19 flushes, 20 ms flushing.
  return { writes: f[7], sectors: f[9], writeMs: f[10], flushes: f[18] ?? 0, flushMs: f[19] ?? 0 };
};
let prev = read();
setInterval(() => {
  const cur = read();
  out.write(`${new Date().toISOString()} writes ${cur.writes - prev.writes} MB ${((cur.sectors - prev.sectors) / 2048).toFixed(2)} writeMs ${cur.writeMs - prev.writeMs} flushes ${cur.flushes - prev.flushes} flushMs ${cur.flushMs - prev.flushMs}\n`);
  prev = cur;
}, Number(everyArg ?? 200));
