/**
 * node bench/heap-sample-summary.mjs <file.heapprofile> [rows]
 * What allocated the bytes in a profile from bench/heap-sample.mjs: the total, then by the
 * innermost Tandem function on the stack (server/, db/, lib/, workers/), then the allocations
 * with no Tandem frame by their innermost four frames (library code run from a callback).
 */
import fs from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/heap-sample-summary.mjs <file.heapprofile> [rows]');
  process.exit(2);
}
const rows = Number(rowsArg ?? 20);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const ours = new Map();
const theirs = new Map();
let total = 0;
const isOurs = (f) => /\/(server|db|lib|workers)\//.test(f.url) && !f.url.includes('node_modules');
const short = (f) => `${f.functionName || '(anonymous)'}@${f.url.split('/').slice(-2).join('/')}`;
(function walk(node, stack) {
  const frames = [node.callFrame, ...stack];
  if (node.selfSize) {
    total += node.selfSize;
    const mine = frames.find(isOurs);
    const [map, key] = mine ? [ours, `${mine.url.split('/').slice(-2).join('/')}:${mine.functionName || '(anonymous)'}`] : [theirs, frames.slice(0, 4).map(short).join(' < ')];
    map.set(key, (map.get(key) ?? 0) + node.selfSize);
  }
  for (const c of node.children) walk(c, frames);
})(profile.head, []);
const mb = (b) => (b / 1e6).toFixed(1).padStart(7);
console.log(`${mb(total)} MB allocated in all`);
console.log('by the innermost Tandem function:');
for (const [k, v] of [...ours].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(`${mb(v)} MB  ${k}`);
console.log('with no Tandem frame:');
for (const [k, v] of [...theirs].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(`${mb(v)} MB  ${k}`);
