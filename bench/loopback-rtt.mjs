/**
 * node bench/loopback-rtt.mjs — this machine's floor for one request and its answer between two
 * processes: a one-byte ping-pong over loopback TCP (as between the server and Postgres, or the
 * bench's annotators and the server), 3,000 times with 2–22 ms idle between, as at a human pace.
 * A claim makes three such trips one after another (HTTP, the reads, the commit).
 */
import net from 'node:net';
import { fork } from 'node:child_process';
if (process.argv[2] === 'server') {
  net.createServer((s) => { s.setNoDelay(true); s.on('data', (d) => s.write(d)); }).listen(0, '127.0.0.1', function () { process.send(this.address().port); });
} else {
  const child = fork(new URL(import.meta.url).pathname, ['server']);
  const port = await new Promise((r) => child.once('message', r));
  const s = net.connect(port, '127.0.0.1'); s.setNoDelay(true);
  await new Promise((r) => s.once('connect', r));
  const rtts = [];
  for (let i = 0; i < 3000; i++) {
    await new Promise((r) => setTimeout(r, 2 + Math.random() * 20));
    const t = performance.now();
    s.write('x');
    await new Promise((r) => s.once('data', r));
    rtts.push(performance.now() - t);
  }
  rtts.sort((a, b) => a - b);
  const p = (q) => rtts[Math.floor(q * rtts.length)].toFixed(3);
  console.log('rtt ms p50', p(0.5), 'p90', p(0.9), 'p99', p(0.99), 'p99.9', p(0.999), 'max', rtts.at(-1).toFixed(3));
  child.kill(); s.destroy();
}
