/**
 * npm run bench:quality — agreement and consensus on simulated annotators (issue 14).
 *
 * Truth: the real labels of the 10,000 MNIST digits of the `mnist` package (what bench:al and
 * `tandem simulate` load), shuffled per seed. A team of five annotators; careful ones err at
 * 2%, 3%, 4% and 5% (one rate each, shuffled; `lib/sim/annotator.ts`'s typical profile says
 * 3%), a noisy one flips 30% of their answers to a uniformly random other class. The queue
 * settings are the team preset a lead sets in the README and in the team tests: overlap share
 * 0.1 with k = 2 (the default k; the default share is 0, i.e. no overlap at all). So after
 * OVERLAPPED overlapped items the team has labeled OVERLAPPED / 0.1 items, each overlapped one
 * by k distinct annotators drawn at random, every other one by one annotator drawn at random.
 *
 * 1. Noisy-annotator flag (Dawid–Skene consensus, `noisyAnnotators` defaults) after 100, 200
 *    and 300 overlapped items: precision and recall over the seeds (target ≥ 0.9 at 300); and
 *    the false flags in the same teams with nobody noisy.
 * 2. Two noisy annotators of five: consensus accuracy on the overlapped items, Dawid–Skene
 *    beside majority vote on the same answers, at the queue's k = 2 with its default tie-break
 *    (two answers that disagree bring one more annotator: lib/queue/overlap.ts), and for comparison
 *    k = 2 without it and k = 3, each with the ceiling an oracle reaches that knows every
 *    annotator's true error rate (target: Dawid–Skene ≥ 97%).
 * 3. Recompute time for 100,000 answers (50 annotators, 5 of them noisy, overlap 0.1 × 3):
 *    coding the ratings once + four coefficients (the `coefficients` column) + Dawid–Skene with
 *    reliability + noisy flags, median and p99 (target < 1 s).
 *
 * The reported seeds are 1–20; the flag's defaults were tuned on seeds 1001–1020
 * (SEED_BASE=1000 npm run bench:quality), never on the reported ones.
 * Options (environment): SEEDS=20, SEED_BASE=0, OVERLAPPED=300, RUNS=20 (timing), ONLY=flag|consensus|speed.
 * Writes bench/results/quality-<date>.json and prints markdown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { codeRatings, coefficients, consensus, noisyAnnotators, type ConsensusMethod, type Rating } from '../lib/agreement';
import { mulberry32 } from '../lib/random';
import { mnistDataset } from '../server/cli/simulate-dataset';
import { ROOT } from '../tests/fixtures/paths';
import { machine, percentile } from './stats';

const SEEDS = Number(process.env.SEEDS ?? 20);
const SEED_BASE = Number(process.env.SEED_BASE ?? 0);
const OVERLAPPED = Number(process.env.OVERLAPPED ?? 300);
const RUNS = Number(process.env.RUNS ?? 20);
const ONLY = process.env.ONLY ?? '';
const OVERLAP_SHARE = 0.1;
const CAREFUL = [0.02, 0.03, 0.04, 0.05];
const NOISY = 0.3;
const CLASSES = 10;

const truthAll = mnistDataset().truth;
const prior = new Float64Array(CLASSES);
for (const t of truthAll) prior[t] += 1 / truthAll.length;

function shuffle<T>(xs: T[], rng: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

interface Team { ratings: Rating[]; truth: Int32Array; overlapped: number; errors: number[] }

/** One seed's answers: `overlapped` items by k annotators, the rest of `overlapped / share` by one. */
function simulateTeam(seed: number, errors: number[], overlapped: number, k: number, share = OVERLAP_SHARE, tieBreak = 0): Team {
  const rng = mulberry32(seed);
  const order = shuffle(Array.from(truthAll.keys()), rng);
  const n = Math.min(order.length, Math.round(overlapped / share));
  const truth = Int32Array.from(order.slice(0, n), (i) => truthAll[i]);
  const ratings: Rating[] = [];
  const people = errors.map((_, j) => j);
  for (let i = 0; i < n; i++) {
    // Overlapped items are spread through the run, as the queue mixes them into every batch.
    const isOverlap = Math.floor(((i + 1) * overlapped) / n) > Math.floor((i * overlapped) / n);
    const drawn = shuffle([...people], rng);
    const labels: number[] = [];
    // The queue's tie-break: k answers that disagree bring `tieBreak` more annotators, one at a time.
    const wanted = () => (isOverlap ? k + (labels.length >= k && new Set(labels).size > 1 ? tieBreak : 0) : 1);
    for (let at = 0; at < drawn.length && labels.length < wanted(); at++) {
      const j = drawn[at];
      const wrong = rng() < errors[j];
      const label = wrong ? (truth[i] + 1 + Math.floor(rng() * (CLASSES - 1))) % CLASSES : truth[i];
      labels.push(label);
      ratings.push({ item: String(i), annotator: `a${j}`, label: String(label) });
    }
  }
  return { ratings, truth, overlapped, errors };
}

/** A team of five with `noisy` noisy annotators at random places; careful error rates shuffled. */
function teamErrors(seed: number, noisy: number): number[] {
  const rng = mulberry32(seed ^ 0x5eed);
  const careful = shuffle([...CAREFUL], rng);
  const errors = [...Array(noisy).fill(NOISY), ...careful.slice(0, 5 - noisy)];
  return shuffle(errors, rng);
}

/** Ratings of the first `overlapped` overlapped items and everything dealt before the last of them. */
function upTo(team: Team, overlapped: number): Rating[] {
  const perItem = new Map<string, number>();
  for (const r of team.ratings) perItem.set(r.item, (perItem.get(r.item) ?? 0) + 1);
  let seen = 0;
  let last = -1;
  for (let i = 0; i < team.truth.length && seen < overlapped; i++) {
    if ((perItem.get(String(i)) ?? 0) > 1) seen++;
    last = i;
  }
  return team.ratings.filter((r) => Number(r.item) <= last);
}

function flagBench() {
  const checkpoints = [100, 200, OVERLAPPED].filter((x, i, a) => x <= OVERLAPPED && a.indexOf(x) === i);
  const rows = checkpoints.map((at) => ({ at, tp: 0, fp: 0, fn: 0, tn: 0 }));
  const perSeed: { seed: number; noisy: string; flagged: string[]; at: number }[] = [];
  let example = '';
  for (let s = 1; s <= SEEDS; s++) {
    const seed = SEED_BASE + s;
    const errors = teamErrors(seed, 1);
    const team = simulateTeam(seed, errors, OVERLAPPED, 2);
    for (const row of rows) {
      const r = upTo(team, row.at);
      const verdicts = noisyAnnotators(consensus(r, { method: 'dawid-skene' }), r);
      const flagged = verdicts.filter((v) => v.noisy).map((v) => v.annotator);
      if (!example && row.at === OVERLAPPED) example = verdicts.find((v) => v.noisy)?.evidence.reason ?? '';
      for (let j = 0; j < errors.length; j++) {
        const truly = errors[j] === NOISY;
        const said = flagged.includes(`a${j}`);
        if (truly && said) row.tp++;
        else if (!truly && said) row.fp++;
        else if (truly) row.fn++;
        else row.tn++;
      }
      perSeed.push({ seed, noisy: `a${errors.indexOf(NOISY)}`, flagged, at: row.at });
    }
  }
  const table = rows.map((r) => ({ ...r, precision: r.tp + r.fp === 0 ? null : r.tp / (r.tp + r.fp), recall: r.tp / (r.tp + r.fn) }));
  // The same teams with nobody noisy (the noisy one made careful, at 3%): every flag is a false one.
  let falseFlags = 0;
  for (let s = 1; s <= SEEDS; s++) {
    const seed = SEED_BASE + s;
    const errors = teamErrors(seed, 1).map((e) => (e === NOISY ? 0.03 : e));
    const r = simulateTeam(seed, errors, OVERLAPPED, 2).ratings;
    falseFlags += noisyAnnotators(consensus(r, { method: 'dawid-skene' }), r).filter((v) => v.noisy).length;
  }
  return { table, perSeed, example, cleanTeams: { teams: SEEDS, annotators: SEEDS * 5, falseFlags } };
}

/** Accuracy of the consensus on overlapped items, and what an oracle that knows the true error rates gets. */
function consensusBench(k: number, tieBreak = 0) {
  const out: Record<ConsensusMethod | 'oracle', number[]> = { majority: [], 'dawid-skene': [], oracle: [] };
  const iterations: number[] = [];
  const answersPerItem: number[] = [];
  for (let s = 1; s <= SEEDS; s++) {
    const seed = SEED_BASE + s;
    const team = simulateTeam(seed, teamErrors(seed, 2), OVERLAPPED, k, OVERLAP_SHARE, tieBreak);
    const byItem = new Map<string, Rating[]>();
    for (const r of team.ratings) (byItem.get(r.item) ?? byItem.set(r.item, []).get(r.item)!).push(r);
    const overlapped = [...byItem].filter(([, rs]) => rs.length > 1);
    answersPerItem.push(overlapped.reduce((n, [, rs]) => n + rs.length, 0) / overlapped.length);
    for (const method of ['majority', 'dawid-skene'] as const) {
      const res = consensus(team.ratings, { method, classes: Array.from({ length: CLASSES }, (_, c) => String(c)) });
      if (method === 'dawid-skene') iterations.push(res.iterations);
      out[method].push(overlapped.filter(([id]) => res.items.get(id)!.label === String(team.truth[Number(id)])).length / overlapped.length);
    }
    // The Bayes decision with the true priors and error rates: no consensus method can beat it on average.
    let right = 0;
    for (const [id, rs] of overlapped) {
      let best = -1;
      let bestScore = -Infinity;
      for (let c = 0; c < CLASSES; c++) {
        let score = Math.log(prior[c]);
        for (const r of rs) {
          const e = team.errors[Number(r.annotator.slice(1))];
          score += Math.log(r.label === String(c) ? 1 - e : e / (CLASSES - 1));
        }
        if (score > bestScore) [best, bestScore] = [c, score];
      }
      if (best === team.truth[Number(id)]) right++;
    }
    out.oracle.push(right / overlapped.length);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    k, tieBreak,
    answersPerItem: mean(answersPerItem),
    majority: { mean: mean(out.majority), min: Math.min(...out.majority) },
    dawidSkene: { mean: mean(out['dawid-skene']), min: Math.min(...out['dawid-skene']), iterationsMedian: percentile(iterations, 50) },
    oracle: { mean: mean(out.oracle), min: Math.min(...out.oracle) },
  };
}

/** 100,000 answers of 50 annotators (5 noisy), overlap 0.1 × 3; one recompute = code + coefficients + DS + flags. */
function speedBench() {
  const errors = Array.from({ length: 50 }, (_, j) => (j % 10 === 3 ? NOISY : CAREFUL[j % CAREFUL.length]));
  const rng = mulberry32(42);
  const ratings: Rating[] = [];
  for (let i = 0; ratings.length < 100_000; i++) {
    const truth = truthAll[Math.floor(rng() * truthAll.length)];
    const k = rng() < OVERLAP_SHARE ? 3 : 1;
    const who = new Set<number>();
    while (who.size < k) who.add(Math.floor(rng() * errors.length));
    for (const j of who) {
      if (ratings.length >= 100_000) break;
      const label = rng() < errors[j] ? (truth + 1 + Math.floor(rng() * 9)) % 10 : truth;
      ratings.push({ item: `item-${i}`, annotator: `annotator-${j}`, label: String(label) });
    }
  }
  const times: Record<'coefficients' | 'consensus' | 'noisy' | 'total', number[]> = { coefficients: [], consensus: [], noisy: [], total: [] };
  let flagged = 0;
  let iterations = 0;
  for (let run = 0; run <= RUNS; run++) {
    const t0 = performance.now();
    const coded = codeRatings(ratings);
    coefficients(coded, 'nominal');
    const t1 = performance.now();
    const res = consensus(coded, { method: 'dawid-skene' });
    const t2 = performance.now();
    flagged = noisyAnnotators(res, ratings).filter((v) => v.noisy).length;
    const t3 = performance.now();
    iterations = res.iterations;
    if (run === 0) continue; // warm-up
    times.coefficients.push(t1 - t0);
    times.consensus.push(t2 - t1);
    times.noisy.push(t3 - t2);
    times.total.push(t3 - t0);
  }
  const stat = (xs: number[]) => ({ p50: +percentile(xs, 50).toFixed(1), p99: +percentile(xs, 99).toFixed(1) });
  return {
    answers: ratings.length, items: new Set(ratings.map((r) => r.item)).size, annotators: 50, runs: RUNS, iterations, flagged, trulyNoisy: errors.filter((e) => e === NOISY).length,
    ms: { coefficients: stat(times.coefficients), consensus: stat(times.consensus), noisy: stat(times.noisy), total: stat(times.total) },
  };
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const report: Record<string, unknown> = { date: new Date().toISOString(), machine: machine(), seeds: `${SEED_BASE + 1}–${SEED_BASE + SEEDS}`, overlapped: OVERLAPPED, overlapShare: OVERLAP_SHARE };
const lines: string[] = [`bench:quality — ${report.date}, ${report.machine}, seeds ${report.seeds}`];

if (!ONLY || ONLY === 'flag') {
  const f = flagBench();
  report.flag = f;
  lines.push('', '### Noisy-annotator flag (1 noisy of 5, k = 2, overlap 0.1)', '', '| overlapped items | precision | recall | TP | FP | FN |', '| --- | --- | --- | --- | --- | --- |');
  for (const r of f.table) lines.push(`| ${r.at} | ${r.precision === null ? '–' : r.precision.toFixed(3)} | ${r.recall.toFixed(3)} | ${r.tp} | ${r.fp} | ${r.fn} |`);
  lines.push('', `First seed's flag at ${OVERLAPPED}: "${f.example}"`);
  lines.push(`Teams with nobody noisy (same seeds, the noisy one at 3% instead), after ${OVERLAPPED}: ${f.cleanTeams.falseFlags} of ${f.cleanTeams.annotators} annotators flagged.`);
}
if (!ONLY || ONLY === 'consensus') {
  // k = 2 with the queue's default tie-break (one more annotator on a disagreement) is what a team gets; the others for comparison.
  const c = [consensusBench(2, 1), consensusBench(2, 0), consensusBench(3, 0)];
  report.consensus = c;
  lines.push('', `### Consensus accuracy on the ${OVERLAPPED} overlapped items (2 noisy of 5), mean (worst seed)`, '',
    '| k | tie-break | answers per overlapped item | majority vote | Dawid–Skene | oracle (true error rates) | DS iterations (median) |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of c) lines.push(`| ${r.k} | ${r.tieBreak} | ${r.answersPerItem.toFixed(2)} | ${pct(r.majority.mean)} (${pct(r.majority.min)}) | ${pct(r.dawidSkene.mean)} (${pct(r.dawidSkene.min)}) | ${pct(r.oracle.mean)} (${pct(r.oracle.min)}) | ${r.dawidSkene.iterationsMedian} |`);
}
if (!ONLY || ONLY === 'speed') {
  const s = speedBench();
  report.speed = s;
  lines.push('', `### Recompute for ${s.answers} answers (${s.items} items, ${s.annotators} annotators), ${s.runs} runs after a warm-up`, '',
    '| step | p50 (ms) | p99 (ms) |', '| --- | --- | --- |',
    ...(['coefficients', 'consensus', 'noisy', 'total'] as const).map((k) => `| ${k} | ${s.ms[k].p50} | ${s.ms[k].p99} |`),
    '', `Dawid–Skene iterations ${s.iterations}; flagged ${s.flagged} of ${s.trulyNoisy} truly noisy annotators.`);
}

const dir = path.join(ROOT, 'bench/results');
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, `quality-${String(report.date).slice(0, 10)}${SEED_BASE ? `-seeds${SEED_BASE + 1}` : ''}${ONLY ? `-${ONLY}` : ''}.json`);
fs.writeFileSync(file, JSON.stringify(report, null, 1) + '\n');
console.log(lines.join('\n'));
console.log(`\n(written to ${path.relative(ROOT, file)})`);
