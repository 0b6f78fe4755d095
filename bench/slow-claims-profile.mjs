/**
 * node bench/slow-claims-profile.mjs <spans.jsonl> <server output> <file.cpuprofile> [n]
 * What the server's main thread did while each of the n (12) slowest claims ran: its samples from
 * 60 ms before the claim began to its end, by function (own samples, and with their callers).
 * Mostly "(idle)" means the claim waited on something else (Postgres, the cores), not on the thread. Run as
 *   BENCH_TRACE=1 BENCH_SPANS_FILE=/tmp/spans.jsonl BENCH_SERVER_OUT=/tmp/server.log \
 *   BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof --cpu-prof-interval=250 --import ./bench/print-time-origin.mjs" \
 *   BENCH_DB=postgres BENCH_THINK_MS=1000 npm run bench:queue
 * and pass the measured server's main-thread profile (the larger of the last start's files).
 */
import fs from 'node:fs';

const [spansFile, serverFile, profFile, nArg] = process.argv.slice(2);
if (!profFile) {
  console.error('usage: node bench/slow-claims-profile.mjs <spans.jsonl> <server output> <file.cpuprofile> [n]');
  process.exit(2);
}
const clocks = fs.readFileSync(serverFile, 'utf8').split('\n').filter((l) => l.startsWith('CLOCKS ')).at(-1);
if (!clocks) throw new Error(`${serverFile} has no CLOCKS line: start the server with --import ./bench/print-time-origin.mjs`);
const [, wall, mono] = clocks.split(' ');
const wallOfMicros = (us) => Number(wall) + (us / 1000 - Number(BigInt(mono) / 1000000n));
const prof = JSON.parse(fs.readFileSync(profFile, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const samples = [];
let t = prof.startTime;
for (let i = 0; i < prof.samples.length; i++) {
  t += prof.timeDeltas[i];
  samples.push({ at: wallOfMicros(t), id: prof.samples[i] });
}
const name = (id) => {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  return `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
};
const top = (counts, k) => [...counts].sort((x, y) => y[1] - x[1]).slice(0, k).map(([nm, v]) => `${v} ${nm}`).join(' | ');
const claims = fs.readFileSync(spansFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((s) => s.kind === 'claim');
claims.sort((a, b) => b.ms - a.ms);
for (const c of claims.slice(0, Number(nArg ?? 12))) {
  const from = Date.parse(c.at) - 60;
  const to = Date.parse(c.at) + c.ms;
  const own = new Map();
  const within = new Map();
  let n = 0;
  for (const s of samples) {
    if (s.at < from || s.at > to) continue;
    n++;
    own.set(name(s.id), (own.get(name(s.id)) ?? 0) + 1);
    const seen = new Set();
    for (let id = s.id; id !== undefined; id = parent.get(id)) {
      const nm = name(id);
      if (seen.has(nm) || /^\((root|program)\)/.test(nm)) continue;
      seen.add(nm);
      within.set(nm, (within.get(nm) ?? 0) + 1);
    }
  }
  console.log(`\n${c.at}  ${c.ms} ms  ${JSON.stringify(c.phases)}  ${n} samples`);
  console.log(`  own:    ${top(own, 6)}`);
  console.log(`  within: ${top(within, 8)}`);
}
