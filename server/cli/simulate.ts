import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isStrategyName, listStrategies, STRATEGY_NAMES, type StrategyName } from '../../lib/al';
import { isTandemError } from '../../lib/errors';
import type { CommitteeKind, Features, HeadName } from '../../lib/model';
import { PIXEL_EXTRACTOR } from '../../workers/trainer/extractor';
import { drawHoldout, simulateRun, type SimData, type StartRule } from '../../lib/sim/simulate';
import { labelRatio, seedResult, summarise, type StrategySummary } from '../../lib/sim/summary';
import { loadCompute, versionBackend, type Compute } from '../../workers/trainer/compute';
import { buildProgram, UsageError, type CliContext, type CliIO } from './commands';
import { loadDataset, PACKAGED_DATASETS, type Dataset } from './simulate-dataset';
import { EMBEDDING_HELP, parseEmbeddingOption } from './simulate-embedding';

export { fashionMnistDataset, loadDataset, mnistDataset, type Dataset, type LoadOptions } from './simulate-dataset';

/**
 * `tandem simulate`: the real training round and strategy code on a data set
 * whose labels are known, with an oracle revealing each picked item's label.
 * It runs in this process, never inside a server, and never opens the
 * database: a long CPU job has no place in the server's event loop.
 */

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
  /** The model's head: `auto` (default, what the trainer runs) picks among the candidates by cross-validation per round; a name forces one (lib/model/heads.ts). */
  head?: 'auto' | HeadName;
}

/** The JSON `tandem simulate --json` writes. Deterministic for the same data and options. */
export interface SimulateReport {
  strategies: Record<string, StrategySummary>;
  target: number;
  data: {
    source: string; items: number; classes: string[]; withLabels: number;
    /** What the images became: `builtin:pixels`, `builtin:mobilenet-v2` or the ONNX file's name (`--embedding`). */
    embedding: string;
    /** `auto: <why the trainer's rule chose it>`, or `--embedding <ref>`. */
    embeddingChoice: string;
    model: string; skipped: number;
  };
  /** What computed the models: the trainer's own backend string (the embedding's compute when it has one, label spreading, the tfjs head on its backend). */
  compute: string;
  settings: { seeds: number[]; batch: number; budget: number; holdout: number; start: string; head: string };
  /** Per strategy, the head each seed's last round used (`auto` picks it by cross-validation). */
  finalHeads?: Record<string, string[]>;
  /** Per strategy, the measured rounds (over all seeds) each head served. */
  headRounds?: Record<string, Record<string, number>>;
  /** `auto`'s switch from low-budget picks to margins, in labels, per seed (null: it never switched within the budget). */
  autoSwitch?: (number | null)[];
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
  const finalHeads: Record<string, string[]> = {};
  const headRounds: Record<string, Record<string, number>> = {};
  const autoSwitch: (number | null)[] = [];
  for (const strategy of o.strategies) {
    finalHeads[strategy] = [];
    headRounds[strategy] = {};
    const results = seeds.map((seed, i) => {
      const run = simulateRun({
        data, holdout: holdouts[i], strategy, seed, batch: o.batch, budget: o.budget, start, head: compute.head, committee: o.committee,
        // Raw pixels are a candidate only when the rows are pixels, as in the trainer.
        heads: { choose: o.head ?? 'auto', pixels: ds.embedding.extractor === PIXEL_EXTRACTOR ? ds.rows : undefined },
        onRound: (labels) => progress?.round(strategy, seed, labels, o.budget),
      });
      const r = seedResult(seed, run.curve, o.target);
      finalHeads[strategy].push(run.heads?.at(-1)?.head ?? 'spreading');
      if (run.switchedAt !== undefined) autoSwitch.push(run.switchedAt);
      for (const h of run.heads ?? []) headRounds[strategy][h.head] = (headRounds[strategy][h.head] ?? 0) + 1;
      progress?.runDone(strategy, seed, r);
      return r;
    });
    strategies[strategy] = summarise(results);
  }
  progress?.end();
  const backend = versionBackend(compute, ds.embedding.extractor.backend);
  const report: SimulateReport = {
    strategies,
    target: o.target,
    data: {
      source: ds.source, items: ds.n, classes: ds.classes, withLabels: ds.truth.filter((t) => t >= 0).length,
      embedding: ds.embedding.ref, embeddingChoice: ds.embedding.choice,
      model: ds.embedding.extractor.modelFor?.(features.embeddings.d) ?? ds.embedding.extractor.model, skipped: ds.skipped.length,
    },
    compute: o.committee === 'bootstrap' ? backend.replace('MC-dropout head', 'head; bootstrap committee') : backend,
    settings: { seeds, batch: o.batch, budget: o.budget, holdout: o.holdout, start: o.startLabels > 0 ? `${o.startLabels} random labels` : 'strategy', head: o.head ?? 'auto' },
    finalHeads,
    headRounds,
    ...(autoSwitch.length ? { autoSwitch } : {}),
  };
  if (strategies.random) {
    report.labelsSavedVsRandom = Object.fromEntries(o.strategies.filter((s) => s !== 'random').map((s) => [s, labelRatio(strategies.random, strategies[s], o.budget)]));
  }
  return report;
}

/** The features of a data set as its extractor makes them (PCA, the neighbour graph): no labels involved, so one build serves every strategy, seed and start rule. */
export function datasetFeatures(ds: Dataset): Features {
  return ds.embedding.extractor.features(ds.rows);
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
  if (r.autoSwitch) {
    lines.push('', `auto's switch from low-budget picks to margins (once its model predicts its own labels in cross-validation), in labels per seed: ${r.autoSwitch.map((x) => x ?? 'never').join(', ')}`);
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
  embedding: string;
  json?: string;
  listStrategies?: boolean;
}

/** Adds `simulate` to the program (once). */
export function registerSimulate(program: Command, io: CliIO): void {
  if (program.commands.some((c) => c.name() === 'simulate')) return;
  program.command('simulate')
    .description('measure acquisition strategies on data whose labels are known: the real trainer and strategy code, an oracle revealing labels (runs here, never in the server)')
    .option('--data <source>', 'a folder per class, a .jsonl/.csv manifest (as import reads them), "mnist" for the 10,000 digits of the mnist package, or "fashion-mnist" for 10,000 clothes (1,000 a class, seeded) of the fashion-mnist package')
    .option('--mnist', 'same as --data mnist')
    .option('--strategies <list>', `comma-separated strategy names (see --list-strategies)`, 'random,auto')
    .option('--seeds <n>', 'runs per strategy, seeds 1 … n (each draws its own holdout)', integer('--seeds', 1), 5)
    .option('--batch <n>', 'labels revealed per round', integer('--batch', 1), 10)
    .option('--budget <n>', 'labels revealed in all', integer('--budget', 1), 300)
    .addOption(new Option('--holdout <fraction>', 'share of items (by group) held out for measuring, never picked').argParser(fraction('--holdout')).default(0.2))
    .addOption(new Option('--target <accuracy>', 'holdout accuracy whose labels-to-reach is reported').argParser(fraction('--target')).default(0.9))
    .option('--start-labels <n>', 'random labels before the strategy takes over (0: the strategy picks the first batch itself)', integer('--start-labels', 0), 0)
    .option('--embedding <name>', EMBEDDING_HELP, 'auto')
    .option('--json <file>', 'write every curve and summary as JSON to this file')
    .option('--list-strategies', 'print the strategy names with what each does, and exit')
    .action(async (o: RawOptions) => {
      if (o.listStrategies) {
        for (const s of listStrategies()) io.out(`${s.name.padEnd(17)} ${s.description}`);
        return;
      }
      const source = o.mnist ? 'mnist' : o.data;
      if (!source) throw new UsageError('give --data DIR|MANIFEST (or --data mnist, --data fashion-mnist)');
      const names = o.strategies.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = names.find((s) => !isStrategyName(s));
      if (unknown !== undefined) throw new UsageError(`unknown strategy '${unknown}' — use one of ${STRATEGY_NAMES.join(', ')} (see --list-strategies)`);
      const opts: SimulateOptions = {
        strategies: [...new Set(names)] as StrategyName[], seeds: o.seeds, batch: o.batch, budget: o.budget,
        holdout: o.holdout, target: o.target, startLabels: o.startLabels,
      };
      checkOptions(opts);
      const cwd = io.cwd ?? process.cwd();
      const embedding = parseEmbeddingOption(o.embedding, cwd);
      const jsonPath = o.json ? path.resolve(cwd, o.json) : undefined;
      if (jsonPath && !fs.existsSync(path.dirname(jsonPath))) throw new UsageError(`cannot write ${o.json}: no folder ${path.dirname(jsonPath)}`);
      let said = Date.now();
      const ds = await loadDataset(PACKAGED_DATASETS.includes(source) ? source : path.resolve(cwd, source), {
        embedding,
        onEmbedding: (e) => io.err(`simulate: embedding: ${e.ref} (${e.choice}), ${e.extractor.dim} values an image${e.extractor.backend ? ` on ${e.extractor.backend}` : ''}`),
        onProgress: (done, total) => {
          if (done < total && Date.now() - said < 5000) return;
          said = Date.now();
          io.err(`simulate: embedded ${done}/${total} images`);
        },
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
      io.out(`${ds.n} items, ${ds.classes.length} classes, embedding ${ds.embedding.ref}, batch ${opts.batch}, budget ${opts.budget}, ${opts.seeds} seeds, holdout ${opts.holdout}, start: ${report.settings.start}`);
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
