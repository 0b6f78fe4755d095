#!/usr/bin/env node
// What a server's live heap is made of: `node bench/heap-snapshot-summary.mjs <file.heapsnapshot> [top]`.
// Groups the snapshot's nodes (all reachable at the time it was taken) by type and constructor
// name, by count and by their own size: what a major collection has to mark.
// A snapshot comes from a server started with BENCH_SERVER_NODE_ARGS="--heapsnapshot-signal=SIGUSR2"
// and `kill -USR2 <server pid>` while the bench runs.
import fs from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/heap-snapshot-summary.mjs <file.heapsnapshot> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
const meta = snap.snapshot.meta;
const fields = meta.node_fields;
const types = meta.node_types[fields.indexOf('type')];
const width = fields.length;
const at = { type: fields.indexOf('type'), name: fields.indexOf('name'), self: fields.indexOf('self_size') };
const groups = new Map();
let nodes = 0;
let bytes = 0;
for (let i = 0; i < snap.nodes.length; i += width) {
  const type = types[snap.nodes[i + at.type]];
  const name = type === 'object' || type === 'closure' || type === 'native' ? snap.strings[snap.nodes[i + at.name]] : '';
  const key = `${type}${name ? ` ${name}` : ''}`;
  const self = snap.nodes[i + at.self];
  const g = groups.get(key) ?? { count: 0, bytes: 0 };
  g.count++;
  g.bytes += self;
  groups.set(key, g);
  nodes++;
  bytes += self;
}
const mb = (b) => (b / 1048576).toFixed(1);
console.log(`${nodes.toLocaleString('en')} nodes, ${mb(bytes)} MB of their own size`);
const rows = [...groups].sort((a, b) => b[1].count - a[1].count).slice(0, top);
console.log('\nby count:');
for (const [k, g] of rows) console.log(`  ${String(g.count).padStart(10)}  ${mb(g.bytes).padStart(8)} MB  ${k.slice(0, 100)}`);
console.log('\nby size:');
for (const [k, g] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top)) console.log(`  ${String(g.count).padStart(10)}  ${mb(g.bytes).padStart(8)} MB  ${k.slice(0, 100)}`);
