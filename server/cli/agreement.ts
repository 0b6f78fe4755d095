import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { agreementReport, CONSENSUS_METHODS, LEVELS, type AgreementDetails, type AgreementReport, type ConsensusMethod, type Level, type Rating } from '../../lib/agreement';
import type { Services } from '../services';
import { SYSTEM } from '../services/access';
import { UsageError, type CliIO } from './commands';

/**
 * `tandem agreement FILE.csv | PROJECT`: inter-annotator agreement, and with --consensus the
 * consensus and each annotator's reliability, over a CSV of answers or a project's own
 * standing human answers. The file form needs no database and no server: `main` runs it in
 * this process even while a server owns the embedded database (`isAgreementFileCommand`).
 */

/** Larger files are refused: 64 MiB is ~2 million answers, more than one process should hold as strings. */
export const MAX_AGREEMENT_FILE_BYTES = 64 * 2 ** 20;
const COLUMNS = ['item', 'annotator', 'label'] as const;

/** A source names a file when it exists as one, ends in .csv or has a path separator; otherwise a project. */
export function isFileSource(source: string, cwd: string): boolean {
  if (/\.csv$/i.test(source) || source.includes('/') || source.includes(path.sep)) return true;
  try {
    return fs.statSync(path.resolve(cwd, source)).isFile();
  } catch {
    return false;
  }
}

/** Whether argv is `agreement FILE …`: it runs without a database. */
export function isAgreementFileCommand(argv: readonly string[], cwd: string): boolean {
  if (argv[0] !== 'agreement') return false;
  const source = argv.slice(1).find((a, i, all) => !a.startsWith('-') && !['--level', '--consensus'].includes(all[i - 1]));
  return source !== undefined && isFileSource(source, cwd);
}

/** Reads FILE's rows as ratings; every problem is a UsageError naming it (exit 2). Empty labels are missing ratings. */
export function readRatingsCsv(file: string, shown = file): Rating[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new UsageError(`no file ${shown}`);
  }
  if (!stat.isFile()) throw new UsageError(`${shown} is not a file`);
  if (stat.size > MAX_AGREEMENT_FILE_BYTES) {
    throw new UsageError(`${shown} is ${(stat.size / 2 ** 20).toFixed(1)} MiB: agreement reads files up to ${MAX_AGREEMENT_FILE_BYTES / 2 ** 20} MiB`);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(fs.readFileSync(file), { bom: true, skip_empty_lines: true, trim: true, info: true }) as unknown as typeof records;
  } catch (e) {
    throw new UsageError(`${shown} is not readable CSV: ${(e as Error).message}`);
  }
  const empty = `${shown} is empty: it needs a header ${COLUMNS.join(',')} and one row per answer`;
  if (records.length === 0) throw new UsageError(empty);
  const header = records[0].record.map((h) => h.toLowerCase());
  const unknown = header.find((h) => !(COLUMNS as readonly string[]).includes(h));
  if (unknown !== undefined) throw new UsageError(`${shown} has an unknown column "${unknown}": the columns are ${COLUMNS.join(',')}`);
  const at = COLUMNS.map((c) => header.indexOf(c));
  const missing = COLUMNS.find((_, k) => at[k] < 0);
  if (missing !== undefined) throw new UsageError(`${shown} has no column "${missing}": the columns are ${COLUMNS.join(',')}`);
  const repeated = header.find((h, k) => header.indexOf(h) !== k);
  if (repeated !== undefined) throw new UsageError(`${shown} has the column "${repeated}" twice`);
  if (records.length === 1) throw new UsageError(empty);
  const ratings: Rating[] = [];
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r];
    const [item, annotator, label] = at.map((k) => record[k]);
    if (!item) throw new UsageError(`${shown} line ${info.lines}: the item is empty`);
    if (!annotator) throw new UsageError(`${shown} line ${info.lines}: the annotator is empty`);
    if (label) ratings.push({ item, annotator, label });
  }
  return ratings;
}

/** The checks a report needs beyond the file's shape: answers from two annotators at least. */
function checkRatings(ratings: Rating[], shown: string): void {
  if (ratings.length === 0) throw new UsageError(`${shown} has no answers`);
  const who = new Set(ratings.map((r) => r.annotator));
  if (who.size < 2) throw new UsageError(`${shown} has answers from one annotator only (${[...who][0]}): agreement needs two or more`);
}

const num = (x: number | null, digits = 3) => (x === null ? '–' : x.toFixed(digits));
const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);

const row = (name: string, value: string) => `  ${name.padEnd(32)}${value}`;

/** The short human summary (without --json). */
export function describeAgreement(name: string, level: Level, report: AgreementReport, d: AgreementDetails): string[] {
  const lines = [
    `${name}: ${d.answers} answers on ${report.items} items by ${report.annotators} annotators; ${d.overlapped} items rated twice or more`
      + (d.duplicates ? ` (${d.duplicates} repeated answers: the later counts)` : ''),
    row(`Krippendorff's alpha (${level})`, num(report.krippendorffAlpha)),
    row('Fleiss\' kappa', num(report.fleissKappa) + (report.fleissKappa === null && d.overlapped > 0 ? '  (items have unequal numbers of ratings)' : '')),
    row('Cohen\'s kappa (pair mean)', num(report.cohenKappa)),
    row('percent agreement', pct(report.percentAgreement)),
  ];
  if (d.result && d.noisy) {
    const weak = [...d.result.items.values()].filter((c) => c.confidence < 0.9).length;
    lines.push(`consensus: ${d.result.items.size} items, ${weak} below 0.9 confidence${d.result.iterations ? ` (${d.result.iterations} EM rounds)` : ''}`);
    const width = Math.max(9, ...d.noisy.map((v) => v.annotator.length));
    lines.push(`  ${'annotator'.padEnd(width)}  answers  agreement  accuracy`);
    for (const v of d.noisy) {
      const r = d.result.annotators.get(v.annotator)!;
      lines.push(`  ${v.annotator.padEnd(width)}  ${String(r.answers).padStart(7)}  ${pct(r.agreement).padStart(9)}  ${pct(r.accuracy).padStart(8)}${v.noisy ? `  NOISY: ${v.evidence.reason}` : ''}`);
    }
  }
  return lines;
}

export function registerAgreementCommands(program: Command, io: CliIO, services: () => Promise<Services>, resolvePath: (p: string) => string): void {
  program.command('agreement <source>')
    .description('inter-annotator agreement over a CSV (columns item,annotator,label; no server needed) or a project\'s answers; --consensus adds the consensus and reliability')
    .addOption(new Option('--level <level>', 'level of measurement for Krippendorff\'s alpha (ordinal ranks: numbers as numbers, else the project\'s class order or the sorted labels)').choices([...LEVELS]).default('nominal'))
    .addOption(new Option('--consensus <method>', 'add the consensus per item and each annotator\'s reliability').choices([...CONSENSUS_METHODS]))
    .option('--json', 'print one JSON object')
    .action(async (source: string, o: { level: Level; consensus?: ConsensusMethod; json?: boolean }) => {
      let name: string;
      let ratings: Rating[];
      let classes: string[] | undefined;
      let gold: Map<string, string> | undefined;
      if (isFileSource(source, io.cwd ?? process.cwd())) {
        name = source;
        ratings = readRatingsCsv(resolvePath(source), source);
      } else {
        const s = await services();
        const project = await s.projects.resolve(source);
        const read = await s.agreement.ratings(SYSTEM, project.id);
        ({ ratings, classes, gold } = read);
        name = read.project.slug;
      }
      checkRatings(ratings, name);
      const { report, details } = agreementReport(ratings, { level: o.level, consensus: o.consensus, classes, gold });
      if (o.json) io.out(JSON.stringify(report));
      else for (const line of describeAgreement(name, o.level, report, details)) io.out(line);
    });
}
