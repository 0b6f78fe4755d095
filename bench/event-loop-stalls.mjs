/**
 * A preload for the server under bench:queue: every event-loop stall over 12 ms (when it began, by
 * the wall clock, and how long) and every garbage collection over 2 ms (its kind: 1 scavenge,
 * 4 mark-compact, 8 incremental step), one line each on stdout, to lay beside BENCH_SPANS_FILE:
 *   BENCH_SERVER_OUT=/tmp/server.log BENCH_SERVER_NODE_ARGS="--import ./bench/event-loop-stalls.mjs" …
 * A 5 ms timer, so it costs the server ~200 wake-ups a second: a diagnostic, not for figures of speed.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';

const origin = performance.timeOrigin;
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - last > 17) process.stdout.write(`STALL ${new Date(origin + last).toISOString()} ${(now - last - 5).toFixed(1)}\n`);
  last = now;
}, 5).unref();
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.duration > 2) process.stdout.write(`GC ${new Date(origin + e.startTime).toISOString()} ${e.duration.toFixed(1)} kind=${e.detail?.kind}\n`);
  }
}).observe({ entryTypes: ['gc'] });
