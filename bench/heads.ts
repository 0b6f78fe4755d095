/**
 * npm run bench:heads — does cross-validation on the labeled set pick the right head? On the
 * 10,000 MNIST digits of the `mnist` package (20% holdout, as bench:al draws it), at a few label
 * counts of random labels per seed: the head `selectHead` picks (lib/model/heads.ts: 3-fold
 * stratified CV, one-standard-error rule) and the holdout accuracy of every candidate head
 * trained on the same labels, so the pick can be read against the best head in hindsight.
 * Deterministic label counts and picks for a seed; times are not.
 *
 * Options (environment):
 *   BENCH_HEADS_SEEDS=3          seeds 1 … 3 (default 3)
 *   BENCH_HEADS_LABELS=20,50     label counts (default 20,50,100,200)
 *   BENCH_HEADS_EMBEDDING=umap   PCA-50 → UMAP-10 as the trainer builds it (~1–2 min to fit on 2 cores);
 *                                default pca (PCA-50, seconds)
 */
import { buildFeatures, buildPixelFeatures, fitHead, holdoutMetrics, selectHead, type HeadName } from '../lib/model';
import { mulberry32 } from '../lib/random';
import { drawHoldout } from '../lib/sim/simulate';
import { mnistDataset } from '../server/cli/simulate-dataset';
import { machine } from './stats';

const SEEDS = Number(process.env.BENCH_HEADS_SEEDS ?? 3);
const COUNTS = (process.env.BENCH_HEADS_LABELS ?? '20,50,100,200').split(',').map(Number);
const EMBEDDING = process.env.BENCH_HEADS_EMBEDDING ?? 'pca';

const began = performance.now();
const ds = mnistDataset();
const k = ds.classes.length;
const t0 = performance.now();
const features = EMBEDDING === 'umap' ? buildPixelFeatures(ds.rows) : buildFeatures(ds.rows);
const featureSeconds = (performance.now() - t0) / 1000;
const data = { ...features, pixels: ds.rows };
const heads: HeadName[] = ['spreading', 'logistic-embedding', 'logistic-pixels'];

const rows: string[] = [];
for (const count of COUNTS) {
  const picks: string[] = [];
  const acc: Record<string, number[]> = Object.fromEntries(heads.map((h) => [h, []]));
  const picked: number[] = [];
  const best: number[] = [];
  let cvSeconds = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const holdout = drawHoldout({ truth: ds.truth, groups: ds.groups, splits: ds.splits }, 0.2, seed);
    const held = new Uint8Array(ds.n);
    for (const r of holdout) held[r] = 1;
    const pool: number[] = [];
    for (let i = 0; i < ds.n; i++) if (!held[i]) pool.push(i);
    const rand = mulberry32(seed * 7 + 3);
    for (let s = 0; s < count; s++) {
      const j = s + Math.floor(rand() * (pool.length - s));
      [pool[s], pool[j]] = [pool[j], pool[s]];
    }
    const labels = new Int32Array(ds.n).fill(-1);
    for (const r of pool.slice(0, count)) labels[r] = ds.truth[r];
    const t = performance.now();
    const choice = selectHead(data, labels, k, { seed });
    cvSeconds += (performance.now() - t) / 1000;
    picks.push(`${choice.head}${choice.reason === 'cv' ? '' : ` (${choice.reason})`}`);
    const here = heads.map((h) => holdoutMetrics(fitHead(h, data, labels, k), ds.truth, holdout).accuracy);
    heads.forEach((h, j) => acc[h].push(here[j]));
    picked.push(here[heads.indexOf(choice.head)]);
    best.push(Math.max(...here));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  rows.push(`| ${count} | ${heads.map((h) => (mean(acc[h]) * 100).toFixed(1)).join(' | ')} | ${picks.join(', ')} | ${(mean(picked) * 100).toFixed(1)} | ${(mean(best) * 100).toFixed(1)} | ${(cvSeconds / SEEDS).toFixed(1)} |`);
  process.stderr.write(`bench:heads: ${count} labels done\n`);
}

process.stdout.write([
  `date ${new Date().toISOString().slice(0, 10)}; machine ${machine()}; ${ds.n} digits, holdout 0.2, random labels, seeds 1–${SEEDS}; embedding ${EMBEDDING === 'umap' ? 'PCA-50 → UMAP-10' : 'PCA-50'} + 7-NN graph (${featureSeconds.toFixed(1)} s)`,
  '',
  `| labels | ${heads.map((h) => `${h} holdout %`).join(' | ')} | CV pick per seed | picked head's holdout % | best head's holdout % | CV s / pick |`,
  `| ---: | ${heads.map(() => '---:').join(' | ')} | --- | ---: | ---: | ---: |`,
  ...rows,
  '',
  `whole bench ${Math.round((performance.now() - began) / 1000)} s (mean over seeds in every column)`,
  '',
].join('\n'));
