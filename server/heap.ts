import v8 from 'node:v8';

/**
 * How far V8 lets the old generation grow past what was live after a full
 * collection, in percent (0: V8's own factor, up to 4×). V8 otherwise keeps the
 * capacity a burst of garbage made it grow to: 10,000 fuzzed requests took the
 * server's heap capacity from 226 to 490 MiB with what is live unchanged, and
 * under labeling load it is never idle long enough to give it back. The default,
 * 50%, kept drill:abuse's RSS growth at +59 to +69 MB (against +336 MB with V8's
 * own factor, +38 MB at 20%), and on the 1M-item queue bench it spaces the major
 * collections ~60 s apart instead of ~12 s at 20%: each one's ~50 ms of marking
 * slowed the 2–3 claims in flight (6 of the 16 slowest in a traced run; docs/benchmarks.md).
 * Read by V8 at every full collection, so setting it once the process runs is enough.
 */
export function applyHeapGrowth(percent: number, setFlags: (flags: string) => void = v8.setFlagsFromString): void {
  if (percent > 0) setFlags(`--heap-growing-percent=${Math.round(percent)}`);
}
