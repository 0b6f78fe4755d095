import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isStrategyName, listStrategies, STRATEGY_NAMES, type StrategyName } from '../../lib/al';
import { isTandemError } from '../../lib/errors';
import { mapLimit } from '../../lib/import/map-limit';
import { buildFeatures, MODEL_NAME, type CommitteeKind, type Features } from '../../lib/model';
import { drawHoldout, simulateRun, type SimData, type StartRule } from '../../lib/sim/simulate';
import { labelRatio, seedResult, summarise, type StrategySummary } from '../../lib/sim/summary';
import { loadCompute, type Compute } from '../../workers/trainer/compute';
import { SIDE, thumbnail } from '../../workers/trainer/pixels';
import { listSource, type Failure } from '../services/import-sources';
import { buildProgram, UsageError, type CliContext, type CliIO } from './commands';

/**
 * `tandem simulate`: the real training round and strategy code on a data set
 * whose labels are known, with an oracle revealing each picked item's label.
 * It runs in this process, never inside a server, and never opens the
 * database: a long CPU job has no place in the server's event loop.
 */

/** What the model sees of a data set: pixels (28×28 grayscale per row), the known answers and where they came from. */
export interface Dataset {
  /** `mnist`, or the absolute path of the folder or manifest. */
  source: string;
  n: number;
  d: number;
  pixels: Float32Array;
  classes: string[];
  /** Class index per row; −1 for an image without a label (kept in the graph, never picked or measured). */
  truth: Int32Array;
  groups?: string[];
  splits?: ('pool' | 'holdout' | undefined)[];
  /** Files that could not be used, with why. */
  skipped: Failure[];
}

/** The 10,000 digits of the `mnist` package (values already 0–1), classes 0–9 in order: no files needed. */
export function mnistDataset(): Dataset {
  const mnist = createRequire(import.meta.url)('mnist') as Record<string, { raw: number[] }>;
  const d = SIDE * SIDE;
  const counts = Array.from({ length: 10 }, (_, c) => mnist[String(c)].raw.length / d);
  const n = counts.reduce((a, b) => a + b, 0);
  const pixels = new Float32Array(n * d);
  const truth = new Int32Array(n);
  let row = 0;
  for (let c = 0; c < 10; c++) {
    pixels.set(mnist[String(c)].raw, row * d);
    truth.fill(c, row, row + counts[c]);
    row += counts[c];
  }
  return { source: 'mnist', n, d, pixels, classes: Array.from({ length: 10 }, (_, c) => String(c)), truth, skipped: [] };
}

/** Files decoded at once: reading waits on the disk, decoding on the CPU. */
const READ_CONCURRENCY = 16;

/** A folder per class, a folder of images or a JSONL/CSV manifest, read as `tandem import` reads it; images become 28×28 grayscale. */
export async function loadDataset(source: string, onProgress?: (done: number, total: number) => void): Promise<Dataset> {
  if (source === 'mnist') return mnistDataset();
  if (!fs.existsSync(source)) {
    throw new UsageError(`no data at ${source} — give a folder per class (<class>/<file>.png), a .jsonl/.csv manifest, or --data mnist`);
  }
  const { entries, failed } = await listSource(source);
  const d = SIDE * SIDE;
  const decoded = new Float32Array(entries.length * d);
  let done = 0;
  const ok = await mapLimit(entries, READ_CONCURRENCY, async (e, i) => {
    try {
      thumbnail(await fs.promises.readFile(e.file), decoded, i * d);
      return true;
    } catch (err) {
      failed.push({ file: e.name, reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot decode it (${(err as Error).message})` });
      return false;
    } finally {
      onProgress?.(++done, entries.length);
    }
  });
  const kept = entries.filter((_, i) => ok[i]);
  const classes = [...new Set(kept.flatMap((e) => (e.label === undefined ? [] : [e.label])))].sort();
  if (classes.length < 2) throw new UsageError(`${source} has ${classes.length === 0 ? 'no labeled images' : `one class only (${classes[0]})`} — simulate needs known labels of at least 2 classes`);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const pixels = new Float32Array(kept.length * d);
  let row = 0;
  entries.forEach((_, i) => {
    if (ok[i]) pixels.set(decoded.subarray(i * d, (i + 1) * d), d * row++);
  });
  return {
    source,
    n: kept.length,
    d,
    pixels,
    classes,
    truth: Int32Array.from(kept, (e) => (e.label === undefined ? -1 : classIndex.get(e.label)!)),
    groups: kept.map((e) => e.group ?? e.name),
    splits: kept.map((e) => e.split),
    skipped: failed,
  };
}

export interface SimulateOptions {
  strategies: StrategyName[];
  /** Seeds 1 … seeds. */
  seeds: number;
  batch: number;
  budget: number;
  holdout: number;
  target: number;
  /** Random labels before the strategy takes over; 0: the strategy picks the first batch itself. */
  startLabels: number;
  /** BALD's and vote entropy's samples (default mc-dropout, what the trainer runs; bootstrap only to measure against it). */
  committee?: CommitteeKind;
}

/** The JSON `tandem simulate --json` writes. Deterministic for the same data and options. */
export interface SimulateReport {
  strategies: Record<string, StrategySummary>;
  target: number;
  data: { source: string; items: number; classes: string[]; withLabels: number; model: string; skipped: number };
  /** What computed the models: the trainer's own backend string (label spreading + the tfjs head on its backend). */
  compute: string;
  settings: { seeds: number[]; batch: number; budget: number; holdout: number; start: string };
  /** Per strategy: median labels to the target of random divided by the strategy's (a lower bound when random never got there). */
  labelsSavedVsRandom?: Record<string, { ratio: number; atLeast: boolean } | null>;
}

export interface Progress {
  /** Features are being built (once). */
  features(): void;
  round(strategy: string, seed: number, labels: number, budget: number): void;
  runDone(strategy: string, seed: number, summary: { labelsToTarget: number | null; aulc: number }): void;
  end(): void;
}

/** Checks options before any costly work: every problem is one line and exit 2. */
export function checkOptions(o: SimulateOptions): void {
  if (o.strategies.length === 0) throw new UsageError('give at least one strategy, e.g. --strategies random,auto');
  if (o.budget < o.batch) throw new UsageError(`--budget (${o.budget}) must be at least --batch (${o.batch})`);
  if (!(o.holdout > 0 && o.holdout < 1)) throw new UsageError(`--holdout must be between 0 and 1 (exclusive), got ${o.holdout}`);
}

/**
 * Every strategy on seeds 1 … seeds over one data set: features (PCA and the
 * neighbour graph, which use no labels) once (or `prebuilt`), then for each
 * seed a holdout drawn as import draws it and the labeling loop of `simulateRun`.
 * `compute` is the trainer's (`loadCompute()`): its tfjs head gives BALD and
 * vote entropy their MC-dropout passes, as in the worker.
 */
export function simulate(ds: Dataset, o: SimulateOptions, compute: Compute, progress?: Progress, prebuilt?: Features): SimulateReport {
  checkOptions(o);
  if (!prebuilt) progress?.features();
  const features = prebuilt ?? datasetFeatures(ds);
  const data: SimData = { features, truth: ds.truth, k: ds.classes.length, groups: ds.groups, splits: ds.splits };
  const start: StartRule = o.startLabels > 0 ? { kind: 'random', count: o.startLabels } : { kind: 'strategy' };
  const seeds = Array.from({ length: o.seeds }, (_, i) => i + 1);
  const holdouts = seeds.map((seed) => drawHoldout(data, o.holdout, seed));
  holdouts.forEach((h, i) => {
    if (h.length === 0) throw new UsageError(`seed ${seeds[i]} drew an empty holdout from ${ds.n} items — raise --holdout or use more data`);
  });
  const strategies: Record<string, StrategySummary> = {};
  for (const strategy of o.strategies) {
    const results = seeds.map((seed, i) => {
      const run = simulateRun({
        data, holdout: holdouts[i], strategy, seed, batch: o.batch, budget: o.budget, start, head: compute.head, committee: o.committee,
        onRound: (labels) => progress?.round(strategy, seed, labels, o.budget),
      });
      const r = seedResult(seed, run.curve, o.target);
      progress?.runDone(strategy, seed, r);
      return r;
    });
    strategies[strategy] = summarise(results);
  }
  progress?.end();
  const report: SimulateReport = {
    strategies,
    target: o.target,
    data: {
      source: ds.source, items: ds.n, classes: ds.classes, withLabels: ds.truth.filter((t) => t >= 0).length,
      model: MODEL_NAME, skipped: ds.skipped.length,
    },
    compute: o.committee === 'bootstrap' ? compute.backend.replace('MC-dropout head', 'head; bootstrap committee') : compute.backend,
    settings: { seeds, batch: o.batch, budget: o.budget, holdout: o.holdout, start: o.startLabels > 0 ? `${o.startLabels} random labels` : 'strategy' },
  };
  if (strategies.random) {
    report.labelsSavedVsRandom = Object.fromEntries(o.strategies.filter((s) => s !== 'random').map((s) => [s, labelRatio(strategies.random, strategies[s], o.budget)]));
  }
  return report;
}

/** PCA and the neighbour graph of a data set: no labels involved, so one build serves every strategy, seed and start rule. */
export function datasetFeatures(ds: Dataset): Features {
  return buildFeatures({ n: ds.n, d: ds.d, data: ds.pixels });
}

/** A progress bar on stderr: redrawn in place on a terminal, a line per finished run otherwise (logs, tests). */
export function stderrProgress(totalRuns: number, write: (s: string) => void = (s) => process.stderr.write(s), tty = process.stderr.isTTY === true): Progress {
  const began = Date.now();
  let runs = 0;
  let lastDraw = 0;
  const bar = (fraction: number) => {
    const width = 24;
    const full = Math.round(Math.max(0, Math.min(1, fraction)) * width);
    return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
  };
  const eta = (fraction: number) => {
    if (fraction <= 0) return '';
    const s = ((Date.now() - began) / 1000) * (1 / fraction - 1);
    return s >= 60 ? ` ~${Math.ceil(s / 60)} min left` : ` ~${Math.ceil(s)} s left`;
  };
  return {
    features: () => write(`simulate: building features (PCA, neighbour graph)…${tty ? '' : '\n'}`),
    round: (strategy, seed, labels, budget) => {
      if (!tty || Date.now() - lastDraw < 100) return;
      lastDraw = Date.now();
      const f = (runs + labels / budget) / totalRuns;
      write(`\r\x1b[Ksimulate ${bar(f)} ${runs}/${totalRuns} runs  ${strategy} seed ${seed}: ${labels}/${budget} labels${eta(f)}`);
    },
    runDone: (strategy, seed, r) => {
      runs++;
      const line = `${strategy} seed ${seed}: AULC ${r.aulc.toFixed(3)}, target ${r.labelsToTarget === null ? 'not reached' : `at ${r.labelsToTarget} labels`}`;
      if (tty) write(`\r\x1b[K${line}\n`);
      else write(`simulate ${runs}/${totalRuns} ${line}\n`);
    },
    end: () => {
      if (tty) write('\r\x1b[K');
    },
  };
}

/** The summary table printed on stdout (markdown, so it pastes into docs). */
export function reportTable(r: SimulateReport): string[] {
  const pct = `${Math.round(r.target * 1000) / 10}%`;
  const lines = [
    `| strategy | median labels to ${pct} | seeds reaching ${pct} | median AULC | random ÷ strategy |`,
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const [name, s] of Object.entries(r.strategies)) {
    const need = s.labelsToTarget.median;
    const ratio = r.labelsSavedVsRandom?.[name];
    lines.push(`| ${name} | ${need === null ? `> ${r.settings.budget}` : need} | ${s.labelsToTarget.reached}/${s.seeds.length} | ${s.aulc.median.toFixed(3)} | ${
      name === 'random' ? '1' : ratio ? `${ratio.atLeast ? '≥ ' : ''}${ratio.ratio.toFixed(2)}×` : '–'} |`);
  }
  return lines;
}

const integer = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}`);
  return n;
};
const fraction = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n >= 1) throw new InvalidArgumentError(`${name} must be between 0 and 1 (exclusive)`);
  return n;
};

interface RawOptions {
  data?: string;
  mnist?: boolean;
  strategies: string;
  seeds: number;
  batch: number;
  budget: number;
  holdout: number;
  target: number;
  startLabels: number;
  json?: string;
  listStrategies?: boolean;
}

/** Adds `simulate` to the program (once). */
export function registerSimulate(program: Command, io: CliIO): void {
  if (program.commands.some((c) => c.name() === 'simulate')) return;
  program.command('simulate')
    .description('measure acquisition strategies on data whose labels are known: the real trainer and strategy code, an oracle revealing labels (runs here, never in the server)')
    .option('--data <source>', 'a folder per class, a .jsonl/.csv manifest (as import reads them), or "mnist" for the 10,000 digits of the mnist package')
    .option('--mnist', 'same as --data mnist')
    .option('--strategies <list>', `comma-separated strategy names (see --list-strategies)`, 'random,auto')
    .option('--seeds <n>', 'runs per strategy, seeds 1 … n (each draws its own holdout)', integer('--seeds', 1), 5)
    .option('--batch <n>', 'labels revealed per round', integer('--batch', 1), 10)
    .option('--budget <n>', 'labels revealed in all', integer('--budget', 1), 300)
    .addOption(new Option('--holdout <fraction>', 'share of items (by group) held out for measuring, never picked').argParser(fraction('--holdout')).default(0.2))
    .addOption(new Option('--target <accuracy>', 'holdout accuracy whose labels-to-reach is reported').argParser(fraction('--target')).default(0.9))
    .option('--start-labels <n>', 'random labels before the strategy takes over (0: the strategy picks the first batch itself)', integer('--start-labels', 0), 0)
    .option('--json <file>', 'write every curve and summary as JSON to this file')
    .option('--list-strategies', 'print the strategy names with what each does, and exit')
    .action(async (o: RawOptions) => {
      if (o.listStrategies) {
        for (const s of listStrategies()) io.out(`${s.name.padEnd(17)} ${s.description}`);
        return;
      }
      const source = o.mnist ? 'mnist' : o.data;
      if (!source) throw new UsageError('give --data DIR|MANIFEST (or --data mnist)');
      const names = o.strategies.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = names.find((s) => !isStrategyName(s));
      if (unknown !== undefined) throw new UsageError(`unknown strategy '${unknown}' — use one of ${STRATEGY_NAMES.join(', ')} (see --list-strategies)`);
      const opts: SimulateOptions = {
        strategies: [...new Set(names)] as StrategyName[], seeds: o.seeds, batch: o.batch, budget: o.budget,
        holdout: o.holdout, target: o.target, startLabels: o.startLabels,
      };
      checkOptions(opts);
      const cwd = io.cwd ?? process.cwd();
      const jsonPath = o.json ? path.resolve(cwd, o.json) : undefined;
      if (jsonPath && !fs.existsSync(path.dirname(jsonPath))) throw new UsageError(`cannot write ${o.json}: no folder ${path.dirname(jsonPath)}`);
      const ds = await loadDataset(source === 'mnist' ? source : path.resolve(cwd, source), (done, total) => {
        if (done === total || done % 1000 === 0) io.err(`simulate: read ${done}/${total} images`);
      });
      for (const f of ds.skipped.slice(0, 10)) io.err(`  skipped ${f.file}: ${f.reason}`);
      if (ds.skipped.length > 10) io.err(`  … and ${ds.skipped.length - 10} more skipped`);
      const compute = await loadCompute();
      io.err(`simulate: compute: ${compute.backend}`);
      if (compute.tfError) io.err(`simulate: tfjs did not start (${compute.tfError}): bald and vote-entropy cannot run`);
      const report = simulate(ds, opts, compute, stderrProgress(opts.strategies.length * opts.seeds));
      if (jsonPath) {
        fs.writeFileSync(jsonPath, JSON.stringify(report) + '\n');
        io.err(`simulate: wrote ${jsonPath}`);
      }
      io.out(`${ds.n} items, ${ds.classes.length} classes, batch ${opts.batch}, budget ${opts.budget}, ${opts.seeds} seeds, holdout ${opts.holdout}, start: ${report.settings.start}`);
      for (const line of reportTable(report)) io.out(line);
    });
}

/** Never used: simulate opens no database. */
const noDatabase = async (): Promise<CliContext> => {
  throw new UsageError('simulate does not use the database');
};

/**
 * `tandem simulate …` from a terminal, before any database or server lock is
 * looked at. Errors are one line on stderr: bad usage exits 2, anything else 1.
 */
export async function runSimulate(argv: string[], io: CliIO): Promise<number> {
  const program = buildProgram(io, noDatabase);
  registerSimulate(program, io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.code === 'commander.helpDisplayed' || e.code === 'commander.help' ? (e.exitCode === 0 ? 0 : 2) : 2;
    if (e instanceof UsageError) {
      io.err(`tandem: ${e.message}`);
      return 2;
    }
    if (isTandemError(e)) {
      io.err(`tandem: ${e.message}`);
      return e.code === 'bad_request' ? 2 : 1;
    }
    const err = e as Error;
    io.err(`tandem: ${String(err?.message ?? e).replace(/\s*\n\s*/g, ' ')} — if this persists, run again with TANDEM_DEBUG=1 and report the output`);
    if (process.env.TANDEM_DEBUG === '1' && err?.stack) io.err(err.stack);
    return 1;
  }
}
