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
 *                  input=pixels (UMAP of the raw pixels instead of PCA-50);
 *                  `pca` for PCA-50 alone.
 *                  Default: the product's (lib/model/umap.ts). UMAP rows are cached in
 *                  bench/.tmp under a name that carries the settings (defaults resolved to
 *                  their values, so a changed default refits).
 *   FIRST10_K=7,15          k of the neighbour graph (default the product's NEIGHBOURS)
 *   FIRST10_ALPHA=0.99,0.9  α of label spreading for the spreading-only column (default 0.99)
 *   FIRST10_PICKS="product;restarts=10"  first-pick variants: `product` is the trainer's round;
 *                  others call typicalCluster (auto's cold start) with these options
 *                  (restarts, iterations, neighbours), spreading at α 0.99 as the round does;
 *                  `strategy:NAME` another registered strategy's picks (e.g. strategy:probcover)
 *   FIRST10_ORACLE=1        also a row for a ceiling: the most typical pool item of each true
 *                  class (typicality within the class), i.e. what perfect first picks could reach
 *   FIRST10_SEEDS=5
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildFeatures, NEIGHBOURS, UMAP_MIN_DIST, UMAP_NEIGHBOURS, neighbourGraph, spreadLabels, umapEmbed, holdoutMetrics, type Features } from '../lib/model';
import { selectBatch, type Embeddings } from '../lib/al';
import { mnistDataset } from '../server/cli/simulate';
import { drawHoldout, roundSeed, simulateRun } from '../lib/sim/simulate';
import { typicalCluster, typicality } from '../lib/al/typical';
import { ROOT } from '../tests/fixtures/paths';
import { machine } from './stats';

interface Variant { name: string; nn?: number; md?: number; ep?: number; seed?: number; pixels?: boolean; pca?: boolean }

function parseVariants(text: string | undefined): Variant[] {
  if (!text) return [{ name: 'product' }];
  return text.split(';').map((part) => part.trim()).filter(Boolean).map((part) => {
    if (part === 'pca') return { name: 'pca', pca: true };
    const v: Variant = { name: part };
    for (const kv of part.split(',')) {
      const [key, value] = kv.split('=').map((s) => s.trim());
      if (key === 'nn') v.nn = Number(value);
      else if (key === 'md') v.md = Number(value);
      else if (key === 'ep') v.ep = Number(value);
      else if (key === 'seed') v.seed = Number(value);
      else if (key === 'input') v.pixels = value === 'pixels';
      else throw new Error(`FIRST10_UMAP: unknown key ${key} in ${part}`);
    }
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
const TMP = path.join(ROOT, 'bench/.tmp');

function cached(file: string, build: () => Embeddings): Embeddings {
  if (fs.existsSync(file)) {
    const buf = fs.readFileSync(file);
    const d = buf.readInt32LE(0);
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 4, buf.byteOffset + buf.length));
    process.stderr.write(`al-first10: rows from ${path.relative(ROOT, file)}\n`);
    return { n: data.length / d, d, data };
  }
  const t = performance.now();
  const e = build();
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
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[(s.length - 1) >> 1]; };

const lines: string[] = [
  `date ${new Date().toISOString().slice(0, 10)}; machine ${machine()}; ${ds.n} digits, holdout 0.2, batch 10, seeds 1–${SEEDS}, auto from the cold start, heads by CV`,
  '',
  `| embedding | graph k | first picks | acc. at 10 per seed | ≥ 90% at 10 | acc. at 20 per seed | classes in first 10 | head at 10 | spreading alone at 10 (${ALPHAS.map((a) => `α ${a}`).join(' / ')}), median |`,
  '| --- | ---: | --- | --- | ---: | --- | --- | --- | --- |',
];
for (const v of VARIANTS) {
  const tag = v.pca ? 'pca50' : `umap-nn${v.nn ?? UMAP_NEIGHBOURS}-md${v.md ?? UMAP_MIN_DIST}-ep${v.ep ?? 'def'}${v.seed === undefined ? '' : `-seed${v.seed}`}${v.pixels ? '-of-pixels' : ''}`;
  const emb = v.pca ? pca : cached(path.join(TMP, `al-first10-${tag}.bin`), () => umapEmbed(v.pixels ? ds.rows : pca, { seed: v.seed ?? 1, neighbours: v.nn, minDist: v.md, epochs: v.ep }));
  for (const gk of KS) {
    const features: Features = { embeddings: emb, graph: neighbourGraph(emb, gk) };
    const data = { features, truth: ds.truth, k, groups: ds.groups, splits: ds.splits };
    for (const picksName of [...PICKS, ...(ORACLE ? ['oracle'] : [])]) {
      const at10: number[] = [];
      const at20: number[] = [];
      const covered: string[] = [];
      const heads: string[] = [];
      const spread: number[][] = ALPHAS.map(() => []);
      for (let s = 0; s < SEEDS; s++) {
        const inHoldout = new Uint8Array(ds.n);
        for (const r of holdouts[s]) inHoldout[r] = 1;
        const pool = Int32Array.from({ length: ds.n }, (_, i) => i).filter((i) => !inHoldout[i]);
        const accOf = (rows: Int32Array) => {
          const labels = new Int32Array(ds.n).fill(-1);
          for (const r of rows) labels[r] = ds.truth[r];
          return holdoutMetrics(spreadLabels(features.graph, labels, k), ds.truth, holdouts[s]).accuracy;
        };
        let first: Int32Array;
        if (picksName === 'product') {
          const run = simulateRun({ data, holdout: holdouts[s], strategy: 'auto', seed: s + 1, batch: 10, budget: 20, start: { kind: 'strategy' }, heads: { choose: 'auto', pixels: ds.rows } });
          at10.push(run.curve[0][1]);
          at20.push(run.curve[1][1]);
          heads.push(run.heads?.[0]?.head ?? '?');
          first = run.picked.slice(0, 10);
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
          heads.push('spreading');
        } else if (picksName.startsWith('strategy:')) {
          // Another registered strategy's cold start (e.g. probcover), both rounds from the embedding alone.
          const name = picksName.slice('strategy:'.length);
          first = selectBatch(name, { embeddings: emb, candidates: pool, batch: 10, seed: roundSeed(s + 1, 0), numClasses: k }).indices;
          const rest = pool.filter((i) => !first.includes(i));
          const second = selectBatch(name, { embeddings: emb, candidates: rest, labeledIdx: first, batch: 10, seed: roundSeed(s + 1, 1), numClasses: k }).indices;
          at10.push(accOf(first));
          at20.push(accOf(Int32Array.from([...first, ...second])));
          heads.push('spreading');
        } else {
          const o = Object.fromEntries(picksName.split(',').map((kv) => kv.split('=')).map(([a, b]) => [a.trim(), Number(b)]));
          first = typicalCluster(emb, { ...o, batch: 10, seed: roundSeed(s + 1, 0), candidates: pool }).indices;
          const rest = pool.filter((i) => !first.includes(i));
          const second = typicalCluster(emb, { ...o, batch: 10, seed: roundSeed(s + 1, 1), candidates: rest, centres: first }).indices;
          at10.push(accOf(first));
          at20.push(accOf(Int32Array.from([...first, ...second])));
          heads.push('spreading');
        }
        const seen = new Set(Array.from(first, (r) => ds.truth[r]));
        const missing = ds.classes.filter((_, c) => !seen.has(c));
        covered.push(`${seen.size}${missing.length ? ` (no ${missing.join(' ')})` : ''}`);
        const labels = new Int32Array(ds.n).fill(-1);
        for (const r of first) labels[r] = ds.truth[r];
        ALPHAS.forEach((alpha, a) => spread[a].push(holdoutMetrics(spreadLabels(features.graph, labels, k, { alpha }), ds.truth, holdouts[s]).accuracy));
      }
      const f = (xs: number[]) => xs.map((x) => (Number.isNaN(x) ? '–' : x.toFixed(3))).join(', ');
      lines.push(`| ${tag} | ${gk} | ${picksName} | ${f(at10)} | ${at10.filter((x) => x >= 0.9).length}/${SEEDS} | ${f(at20)} | ${covered.join(', ')} | ${heads.join(', ')} | ${spread.map((xs) => median(xs).toFixed(3)).join(' / ')} |`);
      process.stderr.write(lines[lines.length - 1] + '\n');
    }
  }
}
process.stdout.write(lines.join('\n') + '\n');
