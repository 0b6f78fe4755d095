/**
 * `npm run bench:features`: how long the trainer takes to build the built-in features of the
 * 10,000 MNIST digits (the demo's pool), stage by stage in one thread (each view's PCA fit and
 * projection, HOG, UMAP, the neighbour graphs), then the whole build as the trainer runs it, each
 * view in a thread of its own (workers/trainer/view-threads.ts), and whether the two give the same
 * bits. Prints JSON; BENCH_FEATURES_THREADS_ONLY=1 skips the one-thread stages.
 */
import { mnistDataset } from '../server/cli/simulate-dataset';
import { hogRows } from '../lib/model/hog';
import { fitPca, projectPca } from '../lib/model/pca';
import { PCA_COMPONENTS } from '../lib/model/pipeline';
import { umapEmbed } from '../lib/model/umap';
import { twoViewFeatures } from '../lib/model/views';
import { twoViewFeaturesInThreads } from '../workers/trainer/view-threads';
import type { Embeddings } from '../lib/al';
import { machine } from './stats';

const x = mnistDataset().rows;
const stages: Record<string, number> = {};
const timed = <T>(name: string, f: () => T): T => {
  const t0 = performance.now();
  const out = f();
  stages[name] = Math.round(performance.now() - t0);
  process.stderr.write(`  ${name}: ${stages[name]} ms\n`);
  return out;
};
const withOneThreadStages = process.env.BENCH_FEATURES_THREADS_ONLY !== '1';

let inOneThread: ReturnType<typeof twoViewFeatures> | null = null;
if (withOneThreadStages) {
  const t0 = performance.now();
  const view = (name: string, rows: Embeddings) => {
    const pca = timed(`${name}: PCA fit`, () => fitPca(rows, PCA_COMPONENTS, { seed: 1 }));
    const projected = timed(`${name}: PCA projection`, () => projectPca(pca, rows));
    return timed(`${name}: UMAP`, () => umapEmbed(projected, { seed: 1 }));
  };
  const pixels = view('pixels', x);
  const hog = timed('hog: descriptors', () => hogRows(x, { side: 28 }));
  const shapes = view('hog', hog);
  inOneThread = timed('neighbour graphs', () => twoViewFeatures(pixels, shapes));
  stages['whole build, one thread'] = Math.round(performance.now() - t0);
}
const t0 = performance.now();
const threaded = await twoViewFeaturesInThreads(x);
stages['whole build, a thread a view'] = Math.round(performance.now() - t0);
const same = inOneThread === null ? null
  : Buffer.compare(Buffer.from(inOneThread.embeddings.data.buffer), Buffer.from(threaded.embeddings.data.buffer)) === 0
    && Buffer.compare(Buffer.from(inOneThread.graph.weights.buffer), Buffer.from(threaded.graph.weights.buffer)) === 0
    && Buffer.compare(Buffer.from(inOneThread.otherViews![0].cols.buffer), Buffer.from(threaded.otherViews![0].cols.buffer)) === 0;
console.log(JSON.stringify({ date: new Date().toISOString(), machine: machine(), items: x.n, ms: stages, sameBits: same }, null, 2));
