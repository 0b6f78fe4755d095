import fs from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver, constants } from 'node:perf_hooks';

/**
 * A diagnostic for drills, off unless TANDEM_VITALS_FILE names a file: every
 * TANDEM_VITALS_MS (1,000) the process's memory split (V8 heap, external and
 * array buffers, RSS: what is left of RSS past those is native — malloc arenas,
 * code, stacks) and the event loop's delay over the interval, one JSON line each.
 * It tells apart where a drill's latency tail and memory growth come from.
 * With TANDEM_LONG_TASK_MS, also every stretch the thread was held longer than that.
 */
export function startVitals(env: Record<string, string | undefined> = process.env): (() => void) | null {
  const file = env.TANDEM_VITALS_FILE;
  if (!file) return null;
  const every = Number(env.TANDEM_VITALS_MS ?? 1000);
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  // GC pauses by kind since the last sample: a claim's tail that no handler phase explains may be one.
  const gc = { minor: { n: 0, ms: 0, maxMs: 0 }, major: { n: 0, ms: 0, maxMs: 0 } };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR ? gc.minor : gc.major;
      kind.n++;
      kind.ms += e.duration;
      kind.maxMs = Math.max(kind.maxMs, e.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const MiB = 2 ** 20;
  const sample = (afterGc: boolean) => {
    const m = process.memoryUsage();
    const line = {
      t: Date.now(), ...(afterGc ? { afterGc } : {}),
      rssMiB: Math.round(m.rss / MiB), heapUsedMiB: Math.round(m.heapUsed / MiB), heapTotalMiB: Math.round(m.heapTotal / MiB),
      externalMiB: Math.round(m.external / MiB), arrayBuffersMiB: Math.round(m.arrayBuffers / MiB),
      loopDelayP99Ms: Math.round(h.percentile(99) / 1e4) / 100, loopDelayMaxMs: Math.round(h.max / 1e4) / 100,
      gc: Object.fromEntries(Object.entries(gc).map(([k, v]) => [k, { n: v.n, ms: Math.round(v.ms * 10) / 10, maxMs: Math.round(v.maxMs * 10) / 10 }])),
    };
    h.reset();
    for (const v of Object.values(gc)) { v.n = 0; v.ms = 0; v.maxMs = 0; }
    fs.appendFile(file, JSON.stringify(line) + '\n', () => {});
  };
  const timer = setInterval(() => sample(false), every);
  timer.unref();
  // TANDEM_LONG_TASK_MS: each stretch the thread was held past it, when it ended, one line each — to
  // read a slow request's time against (bench:queue's BENCH_TRACE prints the slowest claims' times).
  const longMs = Number(env.TANDEM_LONG_TASK_MS ?? 0);
  let last = performance.now();
  const watch = longMs > 0 ? setInterval(() => {
    const now = performance.now();
    const held = now - last - 1;
    last = now;
    if (held >= longMs) fs.appendFile(file, JSON.stringify({ t: Date.now(), heldMs: Math.round(held * 10) / 10 }) + '\n', () => {});
  }, 1) : null;
  watch?.unref();
  // SIGUSR2 (with --expose-gc): a full collection, then a sample — what is still held, not garbage yet to be collected.
  const collect = () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) gc();
    sample(Boolean(gc));
  };
  process.on('SIGUSR2', collect);
  return () => { clearInterval(timer); if (watch) clearInterval(watch); h.disable(); observer.disconnect(); process.off('SIGUSR2', collect); };
}
