/**
 * node bench/fsync-latency.mjs [folder, the current one] [count, 1500]
 * How long the disk under a folder takes to make 8 KiB durable: each round writes 8 KiB into a
 * 512 KiB file and waits for `fdatasync`, as a commit's WAL flush does. Prints p50 / p90 / p99 /
 * p99.9 / max in ms. Run it in Postgres's data folder's file system, between benches: the
 * figure moves when the (virtual) disk stalls.
 */
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? '.';
const count = Number(process.argv[3] ?? 1500);
const file = path.join(dir, `fsync-latency-${process.pid}.tmp`);
const fd = fs.openSync(file, 'w');
const page = Buffer.alloc(8192, 1);
const ms = [];
try {
  for (let i = 0; i < count; i++) {
    fs.writeSync(fd, page, 0, page.length, (i % 64) * page.length);
    const t = performance.now();
    fs.fdatasyncSync(fd);
    ms.push(performance.now() - t);
  }
} finally {
  fs.closeSync(fd);
  fs.unlinkSync(file);
}
ms.sort((a, b) => a - b);
const at = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(2);
console.log(`fdatasync of 8 KiB, ${count} times in ${dir}: p50 ${at(0.5)} / p90 ${at(0.9)} / p99 ${at(0.99)} / p99.9 ${at(0.999)} / max ${ms[ms.length - 1].toFixed(2)} ms`);
