import { Option, type Command } from 'commander';
import { ITEM_ACTIONS, type QueuePatch } from '../../lib/protocol/queue-controls';
import { parseId } from '../../lib/protocol/ids';
import type { StopTargetsInput } from '../../lib/queue/settings';
import type { Services } from '../services';
import { SYSTEM } from '../services/access';
import { UsageError, type CliIO } from './commands';

type Overview = Awaited<ReturnType<Services['queueControls']['overview']>>;

/** A flag's value as a number, or null for `none` where a limit may be lifted; anything else is bad usage. */
function numeric(flag: string, v: string, noneAllowed = false): number | null {
  if (noneAllowed && v === 'none') return null;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} takes a number${noneAllowed ? ' or `none`' : ''}, not "${v}"`);
  return n;
}

/** `DELTA/VERSIONS`, e.g. 0.005/3: improvement below DELTA over the last VERSIONS model versions. */
function window(flag: string, v: string): { delta: number; versions: number } {
  const m = /^([^/]+)\/([^/]+)$/.exec(v);
  if (!m) throw new UsageError(`${flag} takes DELTA/VERSIONS, e.g. 0.005/3, not "${v}"`);
  return { delta: numeric(flag, m[1]) as number, versions: numeric(flag, m[2]) as number };
}

const percent = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** What `queue show` prints: the settings in force, budget use, targets, the state and what steers items. */
export function describeQueue(slug: string, o: Overview): string[] {
  const s = o.settings;
  const b = o.budget;
  const t = o.stopping;
  const limit = (n: number | null) => (n === null ? 'no limit' : `${n} labels`);
  const targets = [
    t.metric ? `holdout accuracy ≥ ${t.metric.atLeast}` : null,
    t.plateau ? `plateau < ${t.plateau.delta} over ${t.plateau.versions} versions` : null,
    t.uncertaintyPlateau ? `uncertainty plateau < ${t.uncertaintyPlateau.delta} over ${t.uncertaintyPlateau.versions} versions` : null,
  ].filter(Boolean);
  const counts = Object.entries(o.controls.counts).filter(([, n]) => n > 0);
  const lines = [
    `${slug}: ${o.state}${o.stopped ? ` (${o.stopped.message})` : ''}`,
    `  dealing   strategy ${s.strategy}, batch ${s.batchSize}, easy ${percent(s.easyShare)} (at most ${s.maxHardInARow} hard in a row), `
      + `overlap ${percent(s.overlapShare)} × ${s.overlapK} (+${s.tieBreak} on a disagreement), gold ${percent(s.goldShare)}, holdout ${percent(s.holdoutShare)}, cold ${s.cold}`,
    `  budget    project ${limit(b.projectBudget)}, per annotator ${limit(b.perAnnotatorBudget)}; used ${b.used}, open leases ${b.open}`
      + (b.remaining === null ? '' : `, ${b.remaining} left`),
    `  targets   ${targets.length ? `${targets.join('; ')}; when met: ${t.whenMet}` : 'none'}`,
  ];
  const pr = o.projection;
  const projected = pr.kind === 'projected' ? `about ${pr.labelsNeeded} more labels (target at ~${pr.atLabels} labels, from the learning curve)`
    : pr.kind === 'reached' ? 'target reached'
      : pr.kind === 'too-few-points' ? `needs ${pr.need} model versions to project (has ${pr.have})`
        : pr.kind === 'unreachable' ? `not reachable on this curve (error floor ~${Math.round(pr.floor * 1000) / 1000})` : null;
  if (projected) lines.push(`  projected ${projected}`);
  const done: Record<string, string> = { pin: 'pinned', boost: 'boosted', exclude: 'excluded' };
  lines.push(`  items     ${counts.length ? counts.map(([a, n]) => `${n} ${done[a] ?? a}`).join(', ') : 'no pins, boosts or exclusions'}`);
  return lines;
}

/**
 * `tandem queue …`: the lead's and admin's live controls from a terminal —
 * the same service calls as the queue page, so a running server tells open
 * pages at once, and the same checks (a bad share or budget changes nothing).
 */
export function registerQueueCommands(program: Command, io: CliIO, services: () => Promise<Services>): void {
  const queue = program.command('queue').description('steer a project\'s queue live: settings, budgets, stopping targets, item controls, pause, holds');
  const project = async (ref: string) => {
    const s = await services();
    return { s, p: await s.projects.resolve(ref) };
  };
  const show = async (s: Services, id: number, slug: string) => {
    for (const line of describeQueue(slug, await s.queueControls.overview(SYSTEM, id))) io.out(line);
  };

  queue.command('show <project>').description('the settings in force, budget use, stopping targets and state').action(async (ref: string) => {
    const { s, p } = await project(ref);
    await show(s, p.id, p.slug);
  });

  queue.command('set <project>').description('change how items are dealt (only the settings given)')
    .option('--strategy <name>', 'acquisition strategy (tandem simulate --list-strategies)')
    .option('--batch-size <n>', 'items per batch')
    .option('--easy-share <x>', 'share of confident items mixed in, 0–1')
    .option('--max-hard-in-a-row <n>', 'never more hard items in a row than this')
    .option('--overlap-share <x>', 'share of items dealt to several annotators, 0–1')
    .option('--overlap-k <n>', 'annotators per overlap item')
    .option('--tie-break <n>', 'more annotators for an overlap item whose answers disagree, before a lead (0: none)')
    .option('--gold-share <x>', 'share of gold items (known answer), 0–1')
    .option('--holdout-share <x>', 'share of holdout items, 0–1')
    .addOption(new Option('--cold <mode>', 'cold-start dealing').choices(['random', 'stratified']))
    .action(async (ref: string, o: Record<string, string | undefined>) => {
      const settings: Record<string, unknown> = {};
      const flags: [string, string, boolean][] = [
        ['batchSize', '--batch-size', true], ['easyShare', '--easy-share', true], ['maxHardInARow', '--max-hard-in-a-row', true],
        ['overlapShare', '--overlap-share', true], ['overlapK', '--overlap-k', true], ['tieBreak', '--tie-break', true], ['goldShare', '--gold-share', true],
        ['holdoutShare', '--holdout-share', true], ['strategy', '--strategy', false], ['cold', '--cold', false],
      ];
      for (const [key, flag, isNumber] of flags) {
        const v = o[key];
        if (v !== undefined) settings[key] = isNumber ? numeric(flag, v) : v;
      }
      if (Object.keys(settings).length === 0) throw new UsageError('give at least one setting, e.g. tandem queue set PROJECT --easy-share 0.3');
      const { s, p } = await project(ref);
      await s.queueControls.patch(SYSTEM, p.id, { settings } as QueuePatch);
      await show(s, p.id, p.slug);
    });

  queue.command('budget <project>').description('label budgets, counted in labels with open leases held against them (`none`: no limit)')
    .option('--project <n>', 'the project\'s total')
    .option('--per-annotator <n>', 'each annotator\'s')
    .action(async (ref: string, o: { project?: string; perAnnotator?: string }) => {
      const budget: { projectBudget?: number | null; perAnnotatorBudget?: number | null } = {};
      if (o.project !== undefined) budget.projectBudget = numeric('--project', o.project, true);
      if (o.perAnnotator !== undefined) budget.perAnnotatorBudget = numeric('--per-annotator', o.perAnnotator, true);
      if (Object.keys(budget).length === 0) throw new UsageError('give --project N or --per-annotator N (`none` lifts a limit)');
      const { s, p } = await project(ref);
      await s.queueControls.patch(SYSTEM, p.id, { budget });
      await show(s, p.id, p.slug);
    });

  queue.command('target <project>').description('stopping targets on the holdout learning curve (replaces the targets as a whole)')
    .option('--metric <x>', 'stop when holdout accuracy reaches this, 0–1')
    .option('--plateau <delta/versions>', 'stop when accuracy improves less than DELTA over VERSIONS model versions, e.g. 0.005/3')
    .option('--uncertainty-plateau <delta/versions>', 'stop when the pool\'s mean uncertainty moves less than DELTA over VERSIONS versions')
    .addOption(new Option('--when-met <what>', 'what dealing does once a target is met').choices(['stop', 'holdout-only']))
    .option('--none', 'remove every target')
    .action(async (ref: string, o: { metric?: string; plateau?: string; uncertaintyPlateau?: string; whenMet?: 'stop' | 'holdout-only'; none?: boolean }) => {
      const given = o.metric !== undefined || o.plateau !== undefined || o.uncertaintyPlateau !== undefined;
      if (o.none && (given || o.whenMet)) throw new UsageError('--none removes every target; give it alone');
      if (!o.none && !given) throw new UsageError('give --metric, --plateau or --uncertainty-plateau (or --none to remove the targets)');
      let stopping: StopTargetsInput | null = null;
      if (!o.none) {
        stopping = {
          ...(o.metric !== undefined ? { metric: { atLeast: numeric('--metric', o.metric) as number } } : {}),
          ...(o.plateau !== undefined ? { plateau: window('--plateau', o.plateau) } : {}),
          ...(o.uncertaintyPlateau !== undefined ? { uncertaintyPlateau: window('--uncertainty-plateau', o.uncertaintyPlateau) } : {}),
          ...(o.whenMet ? { whenMet: o.whenMet } : {}),
        };
      }
      const { s, p } = await project(ref);
      await s.queueControls.patch(SYSTEM, p.id, { stopping });
      await show(s, p.id, p.slug);
    });

  const verbs: Record<(typeof ITEM_ACTIONS)[number], string> = {
    pin: 'deal these items next, to whoever asks first',
    boost: 'put these items ahead of the ranking\'s others',
    exclude: 'never deal these items (their holders lose them now)',
    clear: 'drop any pin, boost or exclusion of these items',
    requeue: 'take these items from their holders and deal them again first',
  };
  for (const action of ITEM_ACTIONS) {
    queue.command(`${action} <project> <itemIds...>`).description(verbs[action]).action(async (ref: string, raw: string[]) => {
      const itemIds = raw.flatMap((r) => r.split(',')).filter(Boolean).map((r) => {
        const id = parseId(r);
        if (id === null) throw new UsageError(`item ids are whole numbers, not "${r}"`);
        return id;
      });
      const { s, p } = await project(ref);
      const r = await s.queueControls.controlItems(SYSTEM, p.id, { action, itemIds });
      io.out(`${p.slug}: ${action} ${r.itemIds.length} item${r.itemIds.length === 1 ? '' : 's'} (${r.changed} changed${r.released.length ? `, ${r.released.length} taken from their holders` : ''})`);
    });
  }

  queue.command('pause <project>').description('stop dealing new items; annotators finish what they hold').action(async (ref: string) => {
    const { s, p } = await project(ref);
    await s.queueControls.pause(SYSTEM, p.id);
    io.out(`${p.slug}: paused`);
  });
  queue.command('resume <project>').description('deal again after a pause')
    .option('--clear-stop', 'also lift a stop set by a target or the budget (it is set again when the target is still met at the next model version)')
    .action(async (ref: string, o: { clearStop?: boolean }) => {
      const { s, p } = await project(ref);
      const r = await s.queueControls.resume(SYSTEM, p.id, { clearStop: o.clearStop ?? false });
      io.out(`${p.slug}: resumed${r.clearedStop ? ', stop lifted' : ''}`);
    });

  queue.command('holds <project>').description('who holds which items now').action(async (ref: string) => {
    const { s, p } = await project(ref);
    const { holders } = await s.queueControls.holds(SYSTEM, p.id);
    if (holders.length === 0) io.out(`${p.slug}: nobody holds an item`);
    for (const h of holders) {
      io.out(`${h.email}  ${h.leases.length} item${h.leases.length === 1 ? '' : 's'}: ${h.leases.map((l) => `lease ${l.leaseId} item ${l.itemId} (${l.stream})`).join(', ')}`);
    }
  });
  queue.command('release <project> <leaseId>').description('take an item back from whoever holds it; it returns to the pool now').action(async (ref: string, lease: string) => {
    const leaseId = parseId(lease);
    if (leaseId === null) throw new UsageError(`a lease id is a whole number, not "${lease}"`);
    const { s, p } = await project(ref);
    const { released } = await s.queueControls.releaseLease(SYSTEM, p.id, leaseId);
    io.out(`${p.slug}: released lease ${lease} (item ${released.itemId})`);
  });
}
