import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { items } from '../../../db/schema';
import { runProgram } from '../../../server/cli/commands';
import { createMediaStore } from '../../../server/media';
import { createServices, type Services } from '../../../server/services';
import { SYSTEM, type Principal } from '../../../server/services/access';
import { buildProject } from '../../fixtures/builders';
import { openTestDatabase } from '../../fixtures/database';
import { TMP_ROOT } from '../../fixtures/paths';

/**
 * `tandem queue …`: the lead's and admin's controls from a terminal, in-process
 * against a test database. Each command goes through the same service checks
 * as the queue page: bad values exit 2 with one line and change nothing.
 */
describe('tandem queue', () => {
  let database: Database;
  let services: Services;
  let projectId: number;
  let annotator: Principal;

  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const cli = createServices(database.db, { leaseSeconds: 600, media: createMediaStore(path.join(TMP_ROOT, 'media')) });
    const code = await runProgram(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, async () => ({ services: cli }));
    return { code, out, err };
  };
  const overview = () => services.queueControls.overview(SYSTEM, projectId);

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    const built = await buildProject(database.db, { n: 30, annotators: 1, slug: 'digits' });
    services = built.services;
    projectId = built.project.id;
    annotator = built.annotators[0];
  });
  afterAll(async () => { await database?.close(); });

  it('shows the settings in force, budget use and targets', async () => {
    const r = await run('queue', 'show', 'digits');
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe('digits: open');
    expect(r.out.join('\n')).toMatch(/strategy auto, batch 10, easy 20%/);
    expect(r.out.join('\n')).toMatch(/budget +project no limit, per annotator no limit; used 0, open leases 0/);
    expect(r.out.join('\n')).toMatch(/targets +none/);
  });

  it('changes only the settings given, and refuses a bad value with one line, changing nothing', async () => {
    const ok = await run('queue', 'set', 'digits', '--easy-share', '0.3', '--overlap-share', '0.1', '--overlap-k', '3');
    expect(ok.code).toBe(0);
    expect(ok.out.join('\n')).toMatch(/easy 30%.*overlap 10% × 3/);
    const before = (await overview()).settings;
    expect(before).toMatchObject({ easyShare: 0.3, overlapShare: 0.1, overlapK: 3, batchSize: 10 });
    for (const [args, why] of [
      [['--easy-share', '1.5'], /easyShare/],
      [['--easy-share', 'lots'], /--easy-share takes a number, not "lots"/],
      [['--strategy', 'psychic'], /strategy/],
      [['--cold', 'tepid'], /Allowed choices are random, stratified/],
      [[], /give at least one setting/],
    ] as [string[], RegExp][]) {
      const r = await run('queue', 'set', 'digits', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toEqual([expect.stringMatching(why)]);
    }
    expect((await overview()).settings).toEqual(before);
  });

  it('sets and lifts budgets; a negative budget changes nothing', async () => {
    expect((await run('queue', 'budget', 'digits', '--project', '100', '--per-annotator', '20')).code).toBe(0);
    expect((await overview()).budget).toMatchObject({ projectBudget: 100, perAnnotatorBudget: 20 });
    const bad = await run('queue', 'budget', 'digits', '--project', '-5');
    expect(bad.code).toBe(2);
    expect(bad.err).toEqual([expect.stringMatching(/cannot be negative/)]);
    expect((await overview()).budget).toMatchObject({ projectBudget: 100, perAnnotatorBudget: 20 });
    const lifted = await run('queue', 'budget', 'digits', '--per-annotator', 'none');
    expect(lifted.out.join('\n')).toMatch(/project 100 labels, per annotator no limit/);
    expect((await overview()).budget).toMatchObject({ projectBudget: 100, perAnnotatorBudget: null });
  });

  it('replaces the stopping targets as a whole, and removes them with --none', async () => {
    const r = await run('queue', 'target', 'digits', '--metric', '0.95', '--plateau', '0.005/3', '--when-met', 'holdout-only');
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(/holdout accuracy ≥ 0\.95; plateau < 0\.005 over 3 versions; when met: holdout-only/);
    expect((await overview()).stopping).toMatchObject({ metric: { atLeast: 0.95 }, plateau: { delta: 0.005, versions: 3 }, whenMet: 'holdout-only' });
    for (const [args, why] of [
      [['--metric', '1.2'], /at most 1/],
      [['--plateau', '0.01'], /--plateau takes DELTA\/VERSIONS/],
      [['--plateau', '0.01/0'], /versions must be at least 1/],
      [['--none', '--metric', '0.9'], /--none removes every target; give it alone/],
      [[], /give --metric, --plateau or --uncertainty-plateau/],
    ] as [string[], RegExp][]) {
      const bad = await run('queue', 'target', 'digits', ...args);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.err, args.join(' ')).toEqual([expect.stringMatching(why)]);
    }
    expect((await overview()).stopping).toMatchObject({ metric: { atLeast: 0.95 } });
    expect((await run('queue', 'target', 'digits', '--none')).code).toBe(0);
    expect((await overview()).stopping.metric).toBeUndefined();
  });

  it('pins, boosts, excludes and clears items of the project; an item of another project refuses the whole request', async () => {
    const [a, b, c] = await itemIds(3);
    expect((await run('queue', 'pin', 'digits', `${a},${b}`)).out).toEqual(['digits: pin 2 items (2 changed)']);
    expect((await run('queue', 'exclude', 'digits', String(c))).code).toBe(0);
    expect((await overview()).controls.counts).toMatchObject({ pin: 2, exclude: 1 });
    expect((await run('queue', 'show', 'digits')).out.join('\n')).toMatch(/items +2 pinned, 1 excluded/);
    const foreign = await run('queue', 'boost', 'digits', String(a), '999999');
    expect(foreign.code).toBe(2);
    expect(foreign.err).toEqual([expect.stringMatching(/not items of project \d+: 999999; nothing changed/)]);
    expect((await run('queue', 'boost', 'digits', 'x1')).err).toEqual([expect.stringMatching(/item ids are whole numbers, not "x1"/)]);
    expect((await overview()).controls.counts).toMatchObject({ pin: 2, boost: 0, exclude: 1 });
    expect((await run('queue', 'clear', 'digits', `${a}`, `${b}`, `${c}`)).code).toBe(0);
    expect((await overview()).controls.counts).toMatchObject({ pin: 0, exclude: 0 });
  });

  it('pauses and resumes dealing, lists who holds what and releases a lease', async () => {
    expect((await run('queue', 'pause', 'digits')).out).toEqual(['digits: paused']);
    expect((await services.queue.claimBatch(annotator, projectId, 2)).queue.state).toBe('paused');
    expect((await run('queue', 'resume', 'digits')).out).toEqual(['digits: resumed']);
    const held = await services.queue.claim(annotator, projectId, 2);
    expect(held).toHaveLength(2);
    const holds = await run('queue', 'holds', 'digits');
    expect(holds.out).toEqual([expect.stringMatching(new RegExp(`^annotator0@t\\.local  2 items: lease ${held[0].leaseId} item ${held[0].itemId} \\(\\w+\\), lease ${held[1].leaseId}`))]);
    expect((await run('queue', 'release', 'digits', String(held[0].leaseId))).out).toEqual([`digits: released lease ${held[0].leaseId} (item ${held[0].itemId})`]);
    const again = await run('queue', 'release', 'digits', String(held[0].leaseId));
    expect(again.code).toBe(1);
    expect(again.err).toEqual([expect.stringMatching(/is released; nothing to release/)]);
    expect((await run('queue', 'release', 'digits', 'abc')).code).toBe(2);
  });

  async function itemIds(k: number): Promise<number[]> {
    const rows = await database.db.select({ id: items.id }).from(items).where(eq(items.projectId, projectId)).orderBy(items.id).limit(k);
    return rows.map((r) => r.id);
  }
});
