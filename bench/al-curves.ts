/**
 * node --import tsx bench/al-curves.ts FILE.json [labels,…] — the median holdout
 * accuracy over seeds at chosen label counts (default 10,20,30,50,100,150,200,300),
 * per strategy, from a JSON that bench:al or `tandem simulate --json` wrote
 * (a SimulateReport), or from bench:al's baseline JSON (one StrategySummary).
 * Reads only: where in the budget one strategy gains or loses against another.
 */
import fs from 'node:fs';
import { median, type StrategySummary } from '../lib/sim/summary';

const [file, at] = process.argv.slice(2);
if (!file) throw new Error('usage: node --import tsx bench/al-curves.ts FILE.json [labels,…]');
const labels = (at ?? '10,20,30,50,100,150,200,300').split(',').map(Number);
const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { strategies?: Record<string, StrategySummary> } & Partial<StrategySummary>;
const strategies: Record<string, StrategySummary> = json.strategies ?? { baseline: json as StrategySummary };
const lines = [`| strategy | ${labels.map((l) => `${l} labels`).join(' | ')} |`, `| --- | ${labels.map(() => '---:').join(' | ')} |`];
for (const [name, s] of Object.entries(strategies)) {
  const cells = labels.map((l) => {
    const m = median(s.seeds.flatMap((x) => x.curve.filter(([n]) => n === l).map(([, acc]) => acc)));
    return m === null ? '–' : m.toFixed(3);
  });
  lines.push(`| ${name} | ${cells.join(' | ')} |`);
}
process.stdout.write(`median holdout accuracy over ${Object.values(strategies)[0]?.seeds.length ?? 0} seeds, ${file}\n\n${lines.join('\n')}\n`);
