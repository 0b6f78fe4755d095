/**
 * npm run bench:al-first10 — how good are `auto`'s first labels from a cold start (issue 16:
 * 3× fewer labels than random needs 90% holdout accuracy after the first batch of 10)?
 * bench:al's data and protocol (10,000 `mnist` digits, 20% holdout, batch 10, seeds 1–5, the
 * trainer's round: heads picked by CV, raw pixels a candidate), but only the first two rounds of
 * `auto` from the cold start, under embedding and graph variants, printed per seed:
 * holdout accuracy after 10 and 20 labels, the classes the first 10 cover, the head at 10, and
 * label spreading alone on those 10 labels at each α asked for.
 *
 * Options (environment):
 *   FIRST10_UMAP="nn=15,md=0.1;nn=15,md=0"   UMAP variants, `;`-separated: nn neighbours,
 *                  md minDist, ep epochs (default umap-js's), seed (default 1, the trainer's),
 *                  input=pixels (UMAP of the raw pixels instead of PCA-50), input=mobilenet
 *                  (UMAP of PCA-50 of the built-in photo CNN's features, see below);
 *                  `pca` for PCA-50 alone, `mobilenet-pca` for PCA-50 of the CNN's features alone.
 *                  input=autoencoder: UMAP of the 10-d codes of N2D's dense autoencoder (McConville
 *                  et al. 2019: 784-500-500-2000-10-2000-500-500-784, ReLU, linear code and output,
 *                  MSE, Adam lr 0.001, batch 256), trained without labels on all 10,000 digits'
 *                  pixels (0–1; holdout included, as PCA/UMAP are), seeded (seed 1, or aeseed=N);
 *                  ae=EPOCHS (default 20). Runs on tfjs wasm (loadTf('wasm')), ~1 min/epoch on 2 cores.
 *                  The codes are cached in bench/.tmp (al-first10-ae-…-epN.bin), and the weights and
 *                  Adam state after each epoch (…-state-epN.bin; every 10th and the last kept), so a
 *                  longer run resumes from the latest state below it (the shuffle is per epoch
 *                  from the seed). `ae-codes,ae=N` for the codes alone, without UMAP.
 *                  The CNN: the product's `builtin:mobilenet-v2` extractor (photoExtractor), each
 *                  digit fed as `tandem simulate --embedding builtin:mobilenet-v2` feeds it (a gray
 *                  28×28 PNG → 224×224 RGB → 1,280 values), then unit length → PCA-50
 *                  (buildEmbeddingFeatures, as the trainer builds that extractor's features). The
 *                  10,000 × 1,280 rows are cached in bench/.tmp (al-first10-mnist-mobilenet-v2-*.bin;
 *                  ~13 min on 2 cores of wasm). Under these variants the `product` picks' heads
 *                  get no raw pixels, as the trainer's round gets none for that extractor.
 *                  Default: the product's (lib/model/umap.ts). UMAP rows are cached in
 *                  bench/.tmp under a name that carries the settings (defaults resolved to
 *                  their values, so a changed default refits).
 *   FIRST10_K=7,15          k of the neighbour graph (default the product's NEIGHBOURS)
 *   FIRST10_ALPHA=0.99,0.9  α of label spreading for the spreading-only column (default 0.99)
 *   FIRST10_PICKS="product;restarts=10"  first-pick variants: `product` is the trainer's round;
 *                  others call typicalCluster (auto's cold start) with these options
 *                  (restarts, iterations, neighbours), spreading at α 0.99 as the round does;
 *                  `strategy:NAME` another registered strategy's picks (e.g. strategy:probcover)
 *                  `spectral[,restarts=N]` typicalCluster on the graph's spectral rows instead of the
 *                  embedding (the top 10 eigenvectors of the normalised graph, both views' graphs
 *                  summed under FIRST10_VIEWS; spectralRows below)
 *                  `merge[,over=4][,link=N][,restarts=N][,concat=1]` k-means with over × 10 clusters (the least
 *                  graph cut of `restarts` runs), then the pair of clusters most tied by the graph(s) merges until
 *                  10 remain, the most typical member of each (the probe of lib/al/graph-merge.ts); ties W(a,b)
 *                  over min(vol) (link=0), vol·vol (1), √(vol·vol) (2, what the product took), max(vol) (3);
 *                  concat=1 clusters both views' rows side by side (needs FIRST10_VIEWS)
 *                  `cut[,restarts=10][,concat=1]` k-means with 10 clusters kept at the least graph cut of `restarts`
 *                  `concat[,restarts=N]` typicalCluster on both views' rows side by side
 *                  `dealer` what the server deals before the model is trusted: its stratified cold stream
 *                  (lib/queue/cold.ts) over both views' rows side by side (the ranking's embedding), not the trainer's picks
 *   FIRST10_ORACLE=1        also a row for a ceiling: the most typical pool item of each true
 *                  class (typicality within the class), i.e. what perfect first picks could reach
 *   FIRST10_VIEWS=hog       score every pick set with two views instead of the variant's graph alone:
 *                  label spreading on the variant's graph and on the graph of a second embedding,
 *                  UMAP (the variant's nn, md, ep, seed) of PCA-50 of the digits' HOG descriptors
 *                  (lib/model/hog.ts, cells of 4 pixels), the two spreads' class scores summed.
 *                  The picks are unchanged (auto's first two rounds do not read the model); adds a
 *                  `random` row: bench:al's random picks (simulateRun, strategy random) scored the same
 *                  way, with the labels each seed needs to reach 90% (up to 100).
 *   FIRST10_VIEWS=hog-concat  one embedding of both views' rows side by side (each scaled) and one graph on it
 *   FIRST10_SEEDS=5
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildEmbeddingFeatures } from '../lib/model/embedding';
import { buildFeatures, NEIGHBOURS, UMAP_MIN_DIST, UMAP_NEIGHBOURS, neighbourGraph, spreadLabels, umapEmbed, holdoutMetrics, type Features } from '../lib/model';
import { selectBatch, type Embeddings } from '../lib/al';
import type { Graph } from '../lib/model/knn';
import { loadDataset, mnistDataset } from '../server/cli/simulate';
import { loadPhotoEmbedder, PHOTO_MODEL } from '../workers/trainer/photo-embedder';
import { drawHoldout, roundSeed, simulateRun } from '../lib/sim/simulate';
import { typicalCluster, typicality } from '../lib/al/typical';
import { kMeans } from '../lib/al/coldstart';
import { joinViews } from '../lib/model/views';
import { indexCold, pickColdIndexed, type ColdIndex } from '../lib/queue/cold';
import { ROOT } from '../tests/fixtures/paths';
import { machine } from './stats';
import { loadTf } from '../workers/trainer/tf';
import { mulberry32 } from '../lib/random';
import { hogRows } from '../lib/model/hog';

interface Variant { name: string; nn?: number; md?: number; ep?: number; seed?: number; pixels?: boolean; pca?: boolean; mobilenet?: boolean; ae?: number; aeSeed?: number; hog?: number }

function parseVariants(text: string | undefined): Variant[] {
  if (!text) return [{ name: 'product' }];
  return text.split(';').map((part) => part.trim()).filter(Boolean).map((part) => {
    if (part === 'pca') return { name: 'pca', pca: true };
    if (part === 'mobilenet-pca') return { name: part, pca: true, mobilenet: true };
    if (part.startsWith('hog-pca')) return { name: part, pca: true, hog: Number(part.split('cell=')[1] ?? 4) };
    const v: Variant = { name: part };
    let autoencoder = false;
    for (const kv of part.split(',')) {
      const [key, value] = kv.split('=').map((s) => s.trim());
      if (key === 'ae-codes' && value === undefined) { v.pca = true; autoencoder = true; }
      else if (key === 'ae') v.ae = Number(value);
      else if (key === 'aeseed') v.aeSeed = Number(value);
      else if (key === 'nn') v.nn = Number(value);
      else if (key === 'md') v.md = Number(value);
      else if (key === 'ep') v.ep = Number(value);
      else if (key === 'seed') v.seed = Number(value);
      else if (key === 'cell') v.hog = Number(value);
      else if (key === 'input') {
        if (value === 'pixels') v.pixels = true;
        else if (value === 'mobilenet') v.mobilenet = true;
        else if (value === 'autoencoder') autoencoder = true;
        else if (value === 'hog') v.hog ??= 4;
        else if (value !== 'pca') throw new Error(`FIRST10_UMAP: input=${value} in ${part}: use pixels, pca, mobilenet or autoencoder`);
      }
      else throw new Error(`FIRST10_UMAP: unknown key ${key} in ${part}`);
    }
    if (autoencoder) { v.ae ??= 20; v.aeSeed ??= 1; } else if (v.ae !== undefined || v.aeSeed !== undefined) throw new Error(`FIRST10_UMAP: ae= needs input=autoencoder or ae-codes in ${part}`);
    return v;
  });
}

const list = (text: string | undefined, fallback: number[]) => (text ? text.split(',').map(Number) : fallback);
const VARIANTS = parseVariants(process.env.FIRST10_UMAP);
const KS = list(process.env.FIRST10_K, [NEIGHBOURS]);
const ALPHAS = list(process.env.FIRST10_ALPHA, [0.99]);
/** First-pick variants: `product` runs the trainer's round (simulateRun); the others call typicalCluster as auto's cold start does, with these options. */
const PICKS = (process.env.FIRST10_PICKS ?? 'product').split(';').map((x) => x.trim()).filter(Boolean);
const ORACLE = process.env.FIRST10_ORACLE === '1';
const SEEDS = Number(process.env.FIRST10_SEEDS ?? 5);
const VIEWS = process.env.FIRST10_VIEWS;
if (VIEWS !== undefined && VIEWS !== 'hog' && VIEWS !== 'hog-concat') throw new Error(`FIRST10_VIEWS=${VIEWS}: use hog (two graphs) or hog-concat (one graph on both views' rows side by side)`);
const TMP = path.join(ROOT, 'bench/.tmp');

async function cached(file: string, build: () => Embeddings | Promise<Embeddings>): Promise<Embeddings> {
  if (fs.existsSync(file)) {
    const buf = fs.readFileSync(file);
    const d = buf.readInt32LE(0);
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 4, buf.byteOffset + buf.length));
    process.stderr.write(`al-first10: rows from ${path.relative(ROOT, file)}\n`);
    return { n: data.length / d, d, data };
  }
  const t = performance.now();
  const e = await build();
  process.stderr.write(`al-first10: built ${path.relative(ROOT, file)} in ${((performance.now() - t) / 1000).toFixed(0)} s\n`);
  const head = Buffer.alloc(4);
  head.writeInt32LE(e.d, 0);
  fs.mkdirSync(TMP, { recursive: true });
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength)]));
  return e;
}

const ds = mnistDataset();
const k = ds.classes.length;
const pca = buildFeatures(ds.rows, { neighbours: 0 }).embeddings;
const holdouts = Array.from({ length: SEEDS }, (_, i) => drawHoldout({ truth: ds.truth, groups: ds.groups, splits: ds.splits }, 0.2, i + 1));

/** The built-in photo CNN's 1,280 values per digit, as `tandem simulate --data mnist --embedding builtin:mobilenet-v2` makes them (cached: ~13 min). */
async function mobilenetRows(): Promise<Embeddings> {
  const embedder = await loadPhotoEmbedder();
  const file = path.join(TMP, `al-first10-mnist-mobilenet-v2-${embedder.version}-rows${PHOTO_MODEL.dim}.bin`);
  return cached(file, async () => {
    process.stderr.write(`al-first10: embedding ${ds.n} digits with ${embedder.model} on ${embedder.backend}\n`);
    const t = performance.now();
    let last = 0;
    const got = await loadDataset('mnist', {
      embedding: { kind: 'builtin', name: 'mobilenet-v2' },
      onProgress: (done, total) => {
        if (done - last < 512 && done < total) return;
        last = done;
        const s = (performance.now() - t) / 1000;
        process.stderr.write(`al-first10: mobilenet ${done}/${total} in ${s.toFixed(0)} s, ~${((s / done) * (total - done)).toFixed(0)} s left\n`);
      },
    });
    if (got.n !== ds.n || got.skipped.length || got.truth.some((c, i) => c !== ds.truth[i])) throw new Error('al-first10: the mobilenet rows do not line up with the digits');
    return got.rows;
  });
}
let mobilenetPca: Embeddings | undefined;
/** PCA-50 of the unit-length CNN rows (buildEmbeddingFeatures, the extractor's own features path), once. */
async function mobilenetFeatures(): Promise<Embeddings> {
  mobilenetPca ??= buildEmbeddingFeatures(await mobilenetRows(), { neighbours: 0 }).embeddings;
  return mobilenetPca;
}
/** N2D's autoencoder (McConville et al. 2019), dims of the encoder; the decoder mirrors it. */
const AE_DIMS = [784, 500, 500, 2000, 10];
const AE_BATCH = 256;
const AE_LR = 0.001;
const aeName = (seed: number) => `al-first10-ae${AE_DIMS.join('-')}-relu-mse-adam${AE_LR}-b${AE_BATCH}-seed${seed}`;
/** The autoencoder's 10-d codes of all digits after `epochs` epochs (cached; training resumes from the latest saved state). */
async function autoencoderCodes(epochs: number, seed: number): Promise<Embeddings> {
  return cached(path.join(TMP, `${aeName(seed)}-ep${epochs}.bin`), async () => {
    const { tf, description } = await loadTf('wasm');
    process.stderr.write(`al-first10: autoencoder ${AE_DIMS.join('-')} on ${description}, ${epochs} epochs, batch ${AE_BATCH}, seed ${seed}\n`);
    const model = tf.sequential();
    const dims = [...AE_DIMS, ...AE_DIMS.slice(0, -1).reverse()];
    for (let l = 1; l < dims.length; l++) {
      const linear = l === AE_DIMS.length - 1 || l === dims.length - 1;
      model.add(tf.layers.dense({ units: dims[l], activation: linear ? 'linear' : 'relu', inputShape: l === 1 ? [dims[0]] : undefined, kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 1000 + l }), name: `d${l}` }));
    }
    const optimizer = tf.train.adam(AE_LR);
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const statePath = (e: number) => path.join(TMP, `${aeName(seed)}-state-ep${e}.bin`);
    let start = 0;
    for (let e = epochs; e > 0; e--) if (fs.existsSync(statePath(e))) { start = e; break; }
    if (start > 0) {
      const buf = fs.readFileSync(statePath(start));
      const headLen = buf.readInt32LE(0);
      const head = JSON.parse(buf.subarray(4, 4 + headLen).toString('utf8')) as { model: number[][]; opt: { name: string; shape: number[] }[] };
      const all = new Float32Array(buf.buffer.slice(buf.byteOffset + 4 + headLen, buf.byteOffset + buf.length));
      let off = 0;
      const take = (shape: number[]) => { const size = shape.reduce((a, b) => a * b, 1); const t = tf.tensor(all.subarray(off, off + size), shape); off += size; return t; };
      model.setWeights(head.model.map(take));
      await optimizer.setWeights(head.opt.map((o) => ({ name: o.name, tensor: take(o.shape) })));
      process.stderr.write(`al-first10: autoencoder resumed from ${path.relative(ROOT, statePath(start))}\n`);
    }
    const save = async (e: number) => {
      const mw = model.getWeights();
      const ow = await optimizer.getWeights();
      const head = Buffer.from(JSON.stringify({ model: mw.map((t) => t.shape), opt: ow.map((o) => ({ name: o.name, shape: o.tensor.shape })) }), 'utf8');
      const parts = [...mw.map((t) => t.dataSync() as Float32Array), ...ow.map((o) => o.tensor.dataSync() as Float32Array)];
      const lenBuf = Buffer.alloc(4);
      lenBuf.writeInt32LE(head.length, 0);
      fs.mkdirSync(TMP, { recursive: true });
      fs.writeFileSync(statePath(e), Buffer.concat([lenBuf, head, ...parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))]));
      if (e - 1 > 0 && (e - 1) % 10 !== 0 && fs.existsSync(statePath(e - 1))) fs.rmSync(statePath(e - 1));
    };
    const x = ds.rows;
    const t0 = performance.now();
    for (let e = start + 1; e <= epochs; e++) {
      const t = performance.now();
      // The shuffle comes from (seed, epoch) alone, so a resumed run shuffles as a fresh one.
      const r = mulberry32(seed * 100_003 + e);
      const order = Int32Array.from({ length: x.n }, (_, i) => i);
      for (let i = x.n - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); const tmp = order[i]; order[i] = order[j]; order[j] = tmp; }
      let sum = 0;
      for (let b = 0; b < x.n; b += AE_BATCH) {
        const m = Math.min(AE_BATCH, x.n - b);
        const batch = new Float32Array(m * x.d);
        for (let i = 0; i < m; i++) batch.set(x.data.subarray(order[b + i] * x.d, (order[b + i] + 1) * x.d), i * x.d);
        const xb = tf.tensor2d(batch, [m, x.d]);
        sum += ((await model.trainOnBatch(xb, xb)) as number) * m;
        xb.dispose();
      }
      await save(e);
      process.stderr.write(`al-first10: autoencoder epoch ${e}/${epochs} loss ${(sum / x.n).toFixed(5)} in ${((performance.now() - t) / 1000).toFixed(1)} s (${((performance.now() - t0) / 1000).toFixed(0)} s this run)\n`);
    }
    // Codes (the 10-d bottleneck) and the reconstruction loss of the trained net over all digits.
    const encoder = tf.model({ inputs: model.inputs, outputs: model.layers[AE_DIMS.length - 2].output as import('@tensorflow/tfjs').SymbolicTensor });
    const out = new Float32Array(x.n * 10);
    let mse = 0;
    for (let b = 0; b < x.n; b += 1000) {
      const m = Math.min(1000, x.n - b);
      const xb = tf.tensor2d(x.data.subarray(b * x.d, (b + m) * x.d), [m, x.d]);
      const code = encoder.predict(xb) as import('@tensorflow/tfjs').Tensor;
      out.set(code.dataSync() as Float32Array, b * 10);
      const rec = model.predict(xb) as import('@tensorflow/tfjs').Tensor;
      mse += (tf.losses.meanSquaredError(xb, rec).dataSync()[0]) * m;
      tf.dispose([xb, code, rec]);
    }
    process.stderr.write(`al-first10: autoencoder after ${epochs} epochs: reconstruction MSE over all ${x.n} digits ${(mse / x.n).toFixed(5)}\n`);
    return { n: x.n, d: 10, data: out };
  });
}
/** A variant's UMAP settings as its cache files name them (defaults resolved, so a changed default refits). */
const umapTagOf = (v: Variant) => `umap-nn${v.nn ?? UMAP_NEIGHBOURS}-md${v.md ?? UMAP_MIN_DIST}-ep${v.ep ?? 'def'}${v.seed === undefined ? '' : `-seed${v.seed}`}`;
const hogTagOf = (cell: number) => `hog-cell${cell}-pca50`;
const hogPca = new Map<number, Embeddings>();
/** PCA-50 of the digits' HOG descriptors (lib/model/hog.ts, cells of `cell` pixels), once per cell size. */
function hogFeatures(cell: number): Embeddings {
  let e = hogPca.get(cell);
  if (!e) hogPca.set(cell, (e = buildFeatures(hogRows(ds.rows, { side: 28, cell }), { neighbours: 0 }).embeddings));
  return e;
}
/** Eigenvectors kept for the `spectral` picks: one per class of the first batch. */
const SPECTRAL_DIM = 10;
/**
 * Spectral rows of the graphs taken together (Ng, Jordan & Weiss 2001): the top `m` eigenvectors
 * of D^-1/2 W D^-1/2, W the sum of the graphs' weights, by orthogonal iteration on its shift
 * (I + S)/2 (whose spectrum is in [0, 1], so the top of it is what converges), each row then of
 * unit length. k-means on these rows is spectral clustering on the graph label spreading uses.
 */
function spectralRows(graphs: Graph[], m: number, iterations = 300): Embeddings {
  const n = graphs[0].n;
  const deg = new Float64Array(n);
  for (const g of graphs) for (let i = 0; i < n; i++) for (let p = g.rowStart[i]; p < g.rowStart[i + 1]; p++) deg[i] += g.weights[p];
  const inv = deg.map((v) => (v > 0 ? 1 / Math.sqrt(v) : 0));
  const r = mulberry32(7);
  let x = Array.from({ length: m }, () => Float64Array.from({ length: n }, () => r() - 0.5));
  const apply = (v: Float64Array) => {
    const out = Float64Array.from(v, (a) => a / 2);
    for (const g of graphs) for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let p = g.rowStart[i]; p < g.rowStart[i + 1]; p++) sum += g.weights[p] * inv[g.cols[p]] * v[g.cols[p]];
      out[i] += (sum * inv[i]) / 2;
    }
    return out;
  };
  for (let it = 0; it < iterations; it++) {
    x = x.map(apply);
    // Modified Gram–Schmidt keeps the block orthonormal, so it converges to the top m eigenvectors, not m copies of the first.
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < a; b++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += x[a][i] * x[b][i];
        for (let i = 0; i < n; i++) x[a][i] -= dot * x[b][i];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += x[a][i] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < n; i++) x[a][i] /= norm;
    }
  }
  const data = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let a = 0; a < m; a++) norm += x[a][i] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let a = 0; a < m; a++) data[i * m + a] = x[a][i] / norm;
  }
  return { n, d: m, data };
}
/** Per item: its cluster among the pool's k-means clusters, −1 outside the pool. */
function clusterOf(n: number, pool: Int32Array, assign: Int32Array): Int32Array {
  const cl = new Int32Array(n).fill(-1);
  for (let r = 0; r < pool.length; r++) cl[pool[r]] = assign[r];
  return cl;
}
/** Share of the graphs' edge weight (between pool items) that crosses clusters. */
function cutShare(graphs: Graph[], cl: Int32Array): number {
  let cut = 0;
  let all = 0;
  for (const g of graphs) for (let i = 0; i < g.n; i++) {
    if (cl[i] < 0) continue;
    for (let p = g.rowStart[i]; p < g.rowStart[i + 1]; p++) {
      const j = g.cols[p];
      if (cl[j] < 0) continue;
      all += g.weights[p];
      if (cl[j] !== cl[i]) cut += g.weights[p];
    }
  }
  return all > 0 ? cut / all : 0;
}
/** The most typical member of each group, biggest group first. */
function typicalOfGroups(emb: Embeddings, groups: number[][], batch: number): Int32Array {
  return Int32Array.from(groups.filter((g) => g.length > 0).sort((a, b) => b.length - a.length).slice(0, batch).map((g) => {
    const members = Int32Array.from(g);
    const t = typicality(emb, members);
    let best = 0;
    for (let r = 1; r < members.length; r++) if (t[r] > t[best]) best = r;
    return members[best];
  }));
}
const restartSeed = (seed: number, r: number) => (r === 0 ? seed : (Math.imul(seed, 0x9e3779b1) + r * 0x6d2b79f5) | 0);
/** k-means with `batch` clusters, kept at the least graph cut of `restarts` runs; the most typical member of each. */
function cutPicks(emb: Embeddings, graphs: Graph[], pool: Int32Array, batch: number, seed: number, restarts: number): Int32Array {
  let best: Int32Array | undefined;
  let bestCut = Infinity;
  for (let r = 0; r < restarts; r++) {
    const run = kMeans(emb, { k: batch, seed: restartSeed(seed, r), candidates: pool, iterations: 10 });
    const cl = clusterOf(emb.n, pool, run.assign);
    const c = cutShare(graphs, cl);
    if (c < bestCut) { bestCut = c; best = cl; }
  }
  const groups: number[][] = Array.from({ length: batch }, () => []);
  for (const i of pool) if (best![i] >= 0) groups[best![i]].push(i);
  return typicalOfGroups(emb, groups, batch);
}
/**
 * Over-cluster, then merge by the graph: k-means with over × batch clusters (least cut of
 * `restarts`), then the pair of clusters whose edges between them are the largest share of the
 * smaller one's edges merges, until `batch` remain; the most typical member of each.
 */
function mergePicks(emb: Embeddings, graphs: Graph[], pool: Int32Array, batch: number, seed: number, over: number, restarts: number, link = 0): Int32Array {
  const K = Math.max(batch, Math.round(over * batch));
  let cl: Int32Array | undefined;
  let bestCut = Infinity;
  for (let r = 0; r < restarts; r++) {
    const run = kMeans(emb, { k: K, seed: restartSeed(seed, r), candidates: pool, iterations: 10 });
    const c = clusterOf(emb.n, pool, run.assign);
    const cut = restarts > 1 ? cutShare(graphs, c) : 0;
    if (cut < bestCut) { bestCut = cut; cl = c; }
  }
  const W = Array.from({ length: K }, () => new Float64Array(K));
  const vol = new Float64Array(K);
  for (const g of graphs) for (let i = 0; i < g.n; i++) {
    const a = cl![i];
    if (a < 0) continue;
    for (let p = g.rowStart[i]; p < g.rowStart[i + 1]; p++) {
      const b = cl![g.cols[p]];
      if (b < 0) continue;
      vol[a] += g.weights[p];
      if (a !== b) { W[a][b] += g.weights[p]; W[b][a] += g.weights[p]; }
    }
  }
  const alive = new Set(Array.from({ length: K }, (_, c) => c).filter((c) => vol[c] > 0));
  const groupOf = Array.from({ length: K }, (_, c) => c);
  while (alive.size > batch) {
    let ba = -1; let bb = -1; let bs = -1;
    for (const a of alive) for (const b of alive) {
      if (b <= a) continue;
      const s = link === 1 ? W[a][b] / (vol[a] * vol[b]) : link === 2 ? W[a][b] / Math.sqrt(vol[a] * vol[b]) : link === 3 ? W[a][b] / Math.max(vol[a], vol[b]) : W[a][b] / Math.min(vol[a], vol[b]);
      if (s > bs) { bs = s; ba = a; bb = b; }
    }
    for (const c of alive) { W[ba][c] += W[bb][c]; W[c][ba] = W[ba][c]; }
    W[ba][ba] = 0;
    vol[ba] += vol[bb];
    alive.delete(bb);
    for (let c = 0; c < K; c++) if (groupOf[c] === bb) groupOf[c] = ba;
  }
  const groups = new Map<number, number[]>();
  for (const i of pool) { const g = groupOf[cl![i]]; if (!groups.has(g)) groups.set(g, []); groups.get(g)!.push(i); }
  return typicalOfGroups(emb, [...groups.values()], batch);
}
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[(s.length - 1) >> 1]; };

const lines: string[] = [
  `date ${new Date().toISOString().slice(0, 10)}; machine ${machine()}; ${ds.n} digits, holdout 0.2, batch 10, seeds 1–${SEEDS}, auto from the cold start, heads by CV`,
  '',
  `| embedding | graph k | first picks | acc. at 10 per seed | ≥ 90% at 10 | acc. at 20 per seed | classes in first 10 | head at 10 | spreading alone at 10 (${ALPHAS.map((a) => `α ${a}`).join(' / ')}), median |`,
  '| --- | ---: | --- | --- | ---: | --- | --- | --- | --- |',
];
for (const v of VARIANTS) {
  const base = v.ae !== undefined ? await autoencoderCodes(v.ae, v.aeSeed ?? 1) : v.mobilenet ? await mobilenetFeatures() : v.hog ? hogFeatures(v.hog) : pca;
  const aeTag = v.ae !== undefined ? `ae${v.ae}${v.aeSeed === 1 ? '' : `-seed${v.aeSeed}`}` : '';
  const hogTag = v.hog ? hogTagOf(v.hog) : '';
  const tag = v.pca ? (v.ae !== undefined ? `${aeTag}-codes` : v.mobilenet ? 'mobilenet-pca50' : hogTag || 'pca50') : `${umapTagOf(v)}${v.pixels ? '-of-pixels' : ''}${v.mobilenet ? '-of-mobilenet-pca50' : ''}${aeTag ? `-of-${aeTag}` : ''}${hogTag ? `-of-${hogTag}` : ''}`;
  const version = v.mobilenet ? `-${(await loadPhotoEmbedder()).version}` : '';
  const own = v.pca ? base : await cached(path.join(TMP, `al-first10-${tag}${version}.bin`), () => umapEmbed(v.pixels ? ds.rows : base, { seed: v.seed ?? 1, neighbours: v.nn, minDist: v.md, epochs: v.ep }));
  const secondView = VIEWS ? await cached(path.join(TMP, `al-first10-${umapTagOf(v)}-of-${hogTagOf(4)}.bin`), () => umapEmbed(hogFeatures(4), { seed: v.seed ?? 1, neighbours: v.nn, minDist: v.md, epochs: v.ep })) : undefined;
  // hog-concat: one embedding, both views' rows side by side (each scaled), and one graph on it.
  const emb = VIEWS === 'hog-concat' ? joinViews([own, secondView!]) : own;
  for (const gk of KS) {
    const features: Features = { embeddings: emb, graph: neighbourGraph(emb, gk) };
    const secondGraph = secondView && VIEWS === 'hog' ? neighbourGraph(secondView, gk) : undefined;
    /** Class scores on the holdout from these labels: the variant's graph, plus the second view's when asked. */
    const scoresOf = (labels: Int32Array) => {
      const own = spreadLabels(features.graph, labels, k);
      if (!secondGraph) return own;
      const other = spreadLabels(secondGraph, labels, k);
      return { ...own, data: own.data.map((x, i) => x + other.data[i]) };
    };
    const data = { features, truth: ds.truth, k, groups: ds.groups, splits: ds.splits };
    let spectralEmb: Embeddings | undefined;
    let concatEmb: Embeddings | undefined;
    let coldIndexOf: ColdIndex | undefined;
    for (const picksName of [...PICKS, ...(ORACLE ? ['oracle'] : []), ...(VIEWS ? ['random'] : [])]) {
      const at10: number[] = [];
      const at20: number[] = [];
      const covered: string[] = [];
      const heads: string[] = [];
      const toNinety: string[] = [];
      const spread: number[][] = ALPHAS.map(() => []);
      for (let s = 0; s < SEEDS; s++) {
        const inHoldout = new Uint8Array(ds.n);
        for (const r of holdouts[s]) inHoldout[r] = 1;
        const pool = Int32Array.from({ length: ds.n }, (_, i) => i).filter((i) => !inHoldout[i]);
        const accOf = (rows: Int32Array) => {
          const labels = new Int32Array(ds.n).fill(-1);
          for (const r of rows) labels[r] = ds.truth[r];
          return holdoutMetrics(scoresOf(labels), ds.truth, holdouts[s]).accuracy;
        };
        let first: Int32Array;
        if (picksName === 'product') {
          const run = simulateRun({ data, holdout: holdouts[s], strategy: 'auto', seed: s + 1, batch: 10, budget: 20, start: { kind: 'strategy' }, heads: { choose: 'auto', pixels: v.mobilenet ? undefined : ds.rows } });
          first = run.picked.slice(0, 10);
          at10.push(secondGraph ? accOf(first) : run.curve[0][1]);
          at20.push(secondGraph ? accOf(run.picked.slice(0, 20)) : run.curve[1][1]);
          heads.push(secondGraph ? 'spreading ×2' : run.heads?.[0]?.head ?? '?');
        } else if (picksName === 'random') {
          // bench:al's random picks; only the order matters here, scored with both views.
          const run = simulateRun({ data, holdout: holdouts[s], strategy: 'random', seed: s + 1, batch: 10, budget: 100, start: { kind: 'strategy' }, heads: { choose: 'spreading' } });
          first = run.picked.slice(0, 10);
          at10.push(accOf(first));
          at20.push(accOf(run.picked.slice(0, 20)));
          heads.push('spreading ×2');
          let n = 10;
          while (n <= 100 && accOf(run.picked.slice(0, n)) < 0.9) n += 10;
          toNinety.push(n <= 100 ? String(n) : '> 100');
        } else if (picksName === 'oracle') {
          first = Int32Array.from({ length: k }, (_, c) => {
            const members = pool.filter((i) => ds.truth[i] === c);
            const t = typicality(emb, members);
            let best = 0;
            for (let r = 1; r < members.length; r++) if (t[r] > t[best]) best = r;
            return members[best];
          });
          at10.push(accOf(first));
          at20.push(NaN);
          heads.push(secondGraph ? 'spreading ×2' : 'spreading');
        } else if (picksName.startsWith('strategy:')) {
          // Another registered strategy's cold start (e.g. probcover), both rounds from the embedding alone.
          const name = picksName.slice('strategy:'.length);
          first = selectBatch(name, { embeddings: emb, candidates: pool, batch: 10, seed: roundSeed(s + 1, 0), numClasses: k }).indices;
          const rest = pool.filter((i) => !first.includes(i));
          const second = selectBatch(name, { embeddings: emb, candidates: rest, labeledIdx: first, batch: 10, seed: roundSeed(s + 1, 1), numClasses: k }).indices;
          at10.push(accOf(first));
          at20.push(accOf(Int32Array.from([...first, ...second])));
          heads.push(secondGraph ? 'spreading ×2' : 'spreading');
        } else if (picksName === 'dealer') {
          // What the server deals while auto is in its low-budget phase: its own stratified cold
          // stream (lib/queue/cold.ts, the clusters indexed once per pool view) over the ranking's
          // embedding — both views' rows side by side under FIRST10_VIEWS — not the trainer's picks.
          // One annotator, two batches of 10; the holdout is blocked, the first batch's labels are centres.
          const space = secondView ? (concatEmb ??= joinViews([emb, secondView])) : emb;
          const index = (coldIndexOf ??= indexCold(space));
          const blocked = Uint8Array.from(inHoldout);
          first = pickColdIndexed(space, index, { want: 10, blocked, centres: new Int32Array(0), seed: roundSeed(s + 1, 0) });
          for (const i of first) blocked[i] = 1;
          const second = pickColdIndexed(space, index, { want: 10, blocked, centres: first, seed: roundSeed(s + 1, 1) });
          at10.push(accOf(first));
          at20.push(accOf(Int32Array.from([...first, ...second])));
          heads.push(secondGraph ? 'spreading ×2' : 'spreading');
        } else if (picksName.startsWith('merge') || picksName.startsWith('cut')) {
          // Partitions judged by the graph(s) label spreading runs on, not by k-means' inertia.
          const o = Object.fromEntries(picksName.split(',').slice(1).map((kv) => kv.split('=')).map(([a, b]) => [a.trim(), Number(b)]));
          const graphs = secondGraph ? [features.graph, secondGraph] : [features.graph];
          const space = o.concat && secondView ? (concatEmb ??= joinViews([emb, secondView])) : emb;
          first = picksName.startsWith('merge')
            ? mergePicks(space, graphs, pool, 10, roundSeed(s + 1, 0), o.over ?? 3, o.restarts ?? 1, o.link ?? 0)
            : cutPicks(space, graphs, pool, 10, roundSeed(s + 1, 0), o.restarts ?? 10);
          const rest = pool.filter((i) => !first.includes(i));
          const second = typicalCluster(emb, { batch: 10, seed: roundSeed(s + 1, 1), candidates: rest, centres: first }).indices;
          at10.push(accOf(first));
          at20.push(accOf(Int32Array.from([...first, ...second])));
          heads.push(secondGraph ? 'spreading ×2' : 'spreading');
        } else {
          const spectral = picksName.startsWith('spectral');
          const o = Object.fromEntries(picksName.split(',').filter((kv) => kv.trim() !== 'spectral' && kv.trim() !== 'concat').map((kv) => kv.split('=')).map(([a, b]) => [a.trim(), Number(b)]));
          if (spectral) spectralEmb ??= spectralRows(secondGraph ? [features.graph, secondGraph] : [features.graph], SPECTRAL_DIM);
          const space = spectral ? spectralEmb! : picksName.startsWith("concat") && secondView ? (concatEmb ??= joinViews([emb, secondView])) : emb;
          first = typicalCluster(space, { ...o, batch: 10, seed: roundSeed(s + 1, 0), candidates: pool }).indices;
          const rest = pool.filter((i) => !first.includes(i));
          const second = typicalCluster(space, { ...o, batch: 10, seed: roundSeed(s + 1, 1), candidates: rest, centres: first }).indices;
          at10.push(accOf(first));
          at20.push(accOf(Int32Array.from([...first, ...second])));
          heads.push(secondGraph ? 'spreading ×2' : 'spreading');
        }
        const seen = new Set(Array.from(first, (r) => ds.truth[r]));
        const missing = ds.classes.filter((_, c) => !seen.has(c));
        const twice = ds.classes.filter((_, c) => Array.from(first).filter((r) => ds.truth[r] === c).length > 1);
        covered.push(`${seen.size}${missing.length ? ` (no ${missing.join(' ')}${twice.length ? `; 2× ${twice.join(' ')}` : ''})` : ''}`);
        const labels = new Int32Array(ds.n).fill(-1);
        for (const r of first) labels[r] = ds.truth[r];
        ALPHAS.forEach((alpha, a) => spread[a].push(holdoutMetrics(spreadLabels(features.graph, labels, k, { alpha }), ds.truth, holdouts[s]).accuracy));
      }
      const f = (xs: number[]) => xs.map((x) => (Number.isNaN(x) ? '–' : x.toFixed(3))).join(', ');
      const name = `${picksName}${secondGraph ? ' (two views)' : ''}${toNinety.length ? `, labels to 90%: ${toNinety.join(', ')}` : ''}`;
      lines.push(`| ${tag} | ${gk} | ${name} | ${f(at10)} | ${at10.filter((x) => x >= 0.9).length}/${SEEDS} | ${f(at20)} | ${covered.join(', ')} | ${heads.join(', ')} | ${spread.map((xs) => median(xs).toFixed(3)).join(' / ')} |`);
      process.stderr.write(lines[lines.length - 1] + '\n');
    }
  }
}
process.stdout.write(lines.join('\n') + '\n');
