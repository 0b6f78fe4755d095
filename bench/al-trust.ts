/**
 * npm run bench:al-trust — when may `auto` leave its low-budget picks (TypiClust) for margins?
 * Issue 16 asks for the rule to be measured. On MNIST the switch after 20 labels is what gets
 * `auto` to 90% at 20–30 labels; on Fashion-MNIST TypiClust kept for the whole budget beats the
 * switch (docs/benchmarks.md). The candidate evidence is the model's own cross-validated accuracy
 * on its labels (lib/model `labeledAccuracy`, which works from two labels a class): this bench
 * runs bench:al's protocol (10,000 items, 20% holdout, batch 10, seeds 1–5, the trainer's round
 * with heads picked by CV) and prints, round by round, the holdout accuracy beside that estimate,
 * and per seed the first label count where the estimate passes each threshold.
 *
 * Options (environment):
 *   BENCH_AL_DATA=fashion-mnist   mnist (default) or fashion-mnist
 *   TRUST_STRATEGIES=typical-cluster,auto   whose picks to follow (default typical-cluster)
 *   TRUST_STARTS=cold,product     cold: the strategy picks the first batch; product: 10 random labels first
 *   TRUST_BUDGET=150              labels per run (default 150)
 *   TRUST_SEEDS=5
 *   TRUST_THRESHOLDS=0.8,0.85,0.9
 */
import fs from 'node:fs';
import path from 'node:path';
import { isStrategyName, type StrategyName } from '../lib/al';
import { labeledAccuracy } from '../lib/model';
import { drawHoldout, simulateRun, type SimData } from '../lib/sim/simulate';
import { median } from '../lib/sim/summary';
import { datasetFeatures, fashionMnistDataset, mnistDataset } from '../server/cli/simulate';
import { PIXEL_EXTRACTOR } from '../workers/trainer/extractor';
import { ROOT } from '../tests/fixtures/paths';
import { umapCacheFile, umapFeatures } from './al-features';
import { machine } from './stats';

const DATA = process.env.BENCH_AL_DATA ?? 'mnist';
if (DATA !== 'mnist' && DATA !== 'fashion-mnist') throw new Error('BENCH_AL_DATA must be mnist or fashion-mnist');
const list = (v: string | undefined, d: string) => (v ?? d).split(',').map((x) => x.trim()).filter(Boolean);
const STRATEGIES = list(process.env.TRUST_STRATEGIES, 'typical-cluster');
const bad = STRATEGIES.find((s) => !isStrategyName(s));
if (bad) throw new Error(`TRUST_STRATEGIES: unknown strategy ${bad}`);
const STARTS = list(process.env.TRUST_STARTS, 'cold,product');
if (STARTS.some((s) => s !== 'cold' && s !== 'product')) throw new Error('TRUST_STARTS: cold and/or product');
const BUDGET = Number(process.env.TRUST_BUDGET ?? 150);
const SEEDS = Number(process.env.TRUST_SEEDS ?? 5);
const THRESHOLDS = list(process.env.TRUST_THRESHOLDS, '0.8,0.85,0.9').map(Number);
const SHOWN = [10, 20, 30, 40, 50, 100, 150, 200, 300].filter((x) => x <= BUDGET);

interface Round { labels: number; holdout: number; estimate: number | null; head: string }

function main(): void {
  const ds = DATA === 'mnist' ? mnistDataset() : fashionMnistDataset();
  const features = umapFeatures(() => datasetFeatures(ds), umapCacheFile(DATA));
  const data: SimData = { features, truth: ds.truth, k: ds.classes.length, groups: ds.groups, splits: ds.splits };
  const pixels = ds.embedding.extractor === PIXEL_EXTRACTOR ? ds.rows : undefined;
  const out: string[] = [`## bench:al-trust — ${DATA}, ${new Date().toISOString().slice(0, 16)} UTC, ${machine()}`, ''];
  const raw: Record<string, Round[][]> = {};
  for (const start of STARTS) {
    for (const strategy of STRATEGIES as StrategyName[]) {
      const runs: Round[][] = [];
      for (let seed = 1; seed <= SEEDS; seed++) {
        const holdout = drawHoldout(data, 0.2, seed);
        const run = simulateRun({
          data, holdout, strategy, seed, batch: 10, budget: BUDGET,
          start: start === 'cold' ? { kind: 'strategy' } : { kind: 'random', count: 10 },
          heads: { choose: 'auto', pixels },
        });
        const rounds: Round[] = run.curve.map(([labels, holdoutAcc], i) => {
          const labelsNow = new Int32Array(ds.n).fill(-1);
          for (const r of run.picked.subarray(0, labels)) labelsNow[r] = ds.truth[r];
          const head = run.heads?.[i]?.head ?? 'spreading';
          const est = labeledAccuracy({ ...features, pixels }, labelsNow, data.k, head, { seed });
          return { labels, holdout: holdoutAcc, estimate: est?.accuracy ?? null, head };
        });
        runs.push(rounds);
        process.stderr.write(`bench:al-trust: ${DATA} ${start} ${strategy} seed ${seed} done\n`);
      }
      raw[`${start}/${strategy}`] = runs;
      out.push(`### ${start} start, ${strategy}'s picks`, '', `| labels | ${SHOWN.join(' | ')} |`, `| --- | ${SHOWN.map(() => '---:').join(' | ')} |`);
      const at = (rs: Round[], l: number) => rs.find((r) => r.labels === l);
      const med = (f: (r: Round) => number | null) => SHOWN.map((l) => {
        const v = median(runs.map((rs) => { const r = at(rs, l); return r ? f(r) : null; }).filter((x): x is number => x !== null));
        return v === null ? '–' : v.toFixed(3);
      });
      out.push(`| median holdout accuracy | ${med((r) => r.holdout).join(' | ')} |`, `| median CV estimate | ${med((r) => r.estimate).join(' | ')} |`, '');
      for (const t of THRESHOLDS) {
        const firsts = runs.map((rs) => rs.find((r) => r.estimate !== null && r.estimate >= t)?.labels ?? null);
        out.push(`- estimate ≥ ${t} first at (seeds 1–${SEEDS}): ${firsts.map((x) => x ?? '–').join(', ')}`);
      }
      out.push('');
    }
  }
  const file = path.join(ROOT, `bench/.tmp/al-trust-${DATA}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(raw) + '\n');
  out.push(`Raw rounds in ${path.relative(ROOT, file)}.`);
  process.stdout.write(out.join('\n') + '\n');
}

main();
