/**
 * node bench/cpu-profile-summary.mjs <file.cpuprofile> [skipSeconds] [untilSeconds]
 * Where a server's CPU profile (BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" npm run
 * bench:queue) spent its samples, by kind of work, after the first `skipSeconds` (the seed's
 * restart and warm-up), up to `untilSeconds` if given (the first claims after a start: `0 2`), with
 * the functions that took the most samples themselves. Samples are wall-clock slices of the main thread: a slice spent descheduled
 * inside a system call (a socket write that woke a Postgres backend) counts where it happened.
 */
import fs from 'node:fs';

const [file, skipArg, untilArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/cpu-profile-summary.mjs <file.cpuprofile> [skipSeconds]');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const skipUs = Number(skipArg ?? 0) * 1e6;
const untilUs = untilArg === undefined ? Infinity : Number(untilArg) * 1e6;

function kindOf(node) {
  const { url, functionName: f } = node.callFrame;
  if (f === '(idle)') return 'idle';
  if (f === '(garbage collector)') return 'garbage collection';
  if (f === 'writev' || f === 'writeBuffer') return 'socket writes';
  if (/node_modules\/(pg|pg-pool|pg-protocol|pg-types)\//.test(url)) return 'node-postgres';
  if (/drizzle-orm/.test(url)) return 'drizzle-orm';
  if (/node_modules\/zod\//.test(url)) return 'zod';
  if (/socket\.io|engine\.io|\/ws\//.test(url)) return 'socket.io';
  if (/node_modules\/(next|jose|@auth)/.test(url)) return 'next / auth';
  if (/\/lib\/(queue|al)\//.test(url)) return 'the deal (lib/queue, lib/al)';
  if (/\/(server|db|lib)\//.test(url) && !/node_modules/.test(url)) return 'Tandem: ' + url.split('/').slice(-2).join('/');
  if (url.startsWith('node:') || url === '') return 'Node core and native';
  return 'other: ' + url.split('/').slice(-3).join('/');
}

const totals = new Map();
const selfTime = new Map();
let at = 0;
let measured = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  at += dt;
  if (at < skipUs || at > untilUs) return;
  const node = byId.get(id);
  const k = kindOf(node);
  totals.set(k, (totals.get(k) ?? 0) + dt);
  const { functionName, url, lineNumber } = node.callFrame;
  const fn = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  selfTime.set(fn, (selfTime.get(fn) ?? 0) + dt);
  measured += dt;
});
const busy = measured - (totals.get('idle') ?? 0);
console.log(`${(measured / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (${((100 * busy) / measured).toFixed(0)}% of one core)`);
for (const [k, us] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  if (k === 'idle') continue;
  console.log(`${(us / 1e3).toFixed(0).padStart(7)} ms  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`);
}
console.log('functions by their own samples:');
for (const [fn, us] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
  if (fn.startsWith('(idle)')) continue;
  console.log(`${(us / 1e3).toFixed(0).padStart(7)} ms  ${fn}`);
}
