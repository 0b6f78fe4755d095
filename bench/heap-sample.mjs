/**
 * --import ./bench/heap-sample.mjs: what a process allocates, garbage included. V8's sampling heap
 * profiler (one sample per ~16 KiB allocated) runs from HEAP_SAMPLE_FROM to HEAP_SAMPLE_TO ms after
 * the process started (default 35,000–75,000: the bench's load window for the restarted server),
 * keeping the samples of objects that were collected too, and writes them to
 * /tmp/heap-<pid>.heapprofile. For the bench's server:
 *   HEAP_SAMPLE_FROM=35000 HEAP_SAMPLE_TO=75000 BENCH_SERVER_NODE_ARGS="--import ./bench/heap-sample.mjs" \
 *   BENCH_DB=postgres BENCH_THINK_MS=1000 npm run bench:queue
 * then `node bench/heap-sample-summary.mjs /tmp/heap-<pid>.heapprofile`.
 * HEAP_SAMPLE_MINOR=0 leaves out what the young generation's collections took: what is left is
 * what lived long enough to be promoted (and is then the old generation's work to mark and sweep).
 */
import inspector from 'node:inspector';
import fs from 'node:fs';

const from = Number(process.env.HEAP_SAMPLE_FROM ?? 35_000);
const to = Number(process.env.HEAP_SAMPLE_TO ?? 75_000);
const session = new inspector.Session();
session.connect();
setTimeout(() => {
  session.post('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: process.env.HEAP_SAMPLE_MINOR !== '0' }, (err) => {
    if (err) process.stderr.write(`heap-sample: could not start: ${err.message}\n`);
  });
  setTimeout(() => {
    session.post('HeapProfiler.stopSampling', (err, r) => {
      if (err) return process.stderr.write(`heap-sample: could not stop: ${err.message}\n`);
      const file = `/tmp/heap-${process.pid}.heapprofile`;
      fs.writeFileSync(file, JSON.stringify(r.profile));
      process.stderr.write(`heap-sample: written to ${file}\n`);
    });
  }, to - from).unref();
}, from).unref();
