import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { annotations, items, projects } from '../../../db/schema';
import { runProgram, type CliContext } from '../../../server/cli/commands';
import { MAX_AGREEMENT_FILE_BYTES } from '../../../server/cli/agreement';
import { createMediaStore } from '../../../server/media';
import { createServices } from '../../../server/services';
import { SYSTEM } from '../../../server/services/access';
import { buildProject } from '../../fixtures/builders';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { ROOT, TMP_ROOT } from '../../fixtures/paths';

const DIR = path.join(TMP_ROOT, 'agreement-cli');

/** Krippendorff (2011)'s reliability data: 4 observers, 12 units, missing values, as item,annotator,label rows. */
const KRIPPENDORFF_2011 = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
];
const krippendorffCsv = () => ['item,annotator,label', ...KRIPPENDORFF_2011.flatMap((row, c) => row.flatMap((v, u) => (v === null ? [] : [`u${u + 1},coder${c + 1},${v}`])))].join('\n');

function file(name: string, text: string): string {
  fs.mkdirSync(DIR, { recursive: true });
  fs.writeFileSync(path.join(DIR, name), text);
  return name;
}

/** Runs in-process with DIR as the working folder; `context` is what a project command gets. */
async function run(argv: string[], context: () => Promise<CliContext> = async () => { throw new Error('the file form opened the database'); }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runProgram(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: DIR }, context);
  return { code, out, err };
}

describe('tandem agreement FILE.csv', () => {
  it('prints the four coefficients and the counts as one JSON object, without a database', async () => {
    const csv = file('k2011.csv', krippendorffCsv());
    const r = await run(['agreement', csv, '--level', 'interval', '--json']);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(1);
    const report = JSON.parse(r.out[0]);
    expect(Object.keys(report)).toEqual(['krippendorffAlpha', 'fleissKappa', 'cohenKappa', 'percentAgreement', 'items', 'annotators']);
    expect(report.krippendorffAlpha).toBeCloseTo(0.849, 3);
    expect(report).toMatchObject({ fleissKappa: null, items: 12, annotators: 4 });
    expect(report.cohenKappa).toBeGreaterThan(0.5);
    const nominal = JSON.parse((await run(['agreement', csv, '--json'])).out[0]);
    expect(nominal.krippendorffAlpha).toBeCloseTo(0.743, 3);
  });

  it('adds the consensus per item and the reliability per annotator with --consensus', async () => {
    const csv = file('k2011.csv', krippendorffCsv());
    for (const method of ['majority', 'dawid-skene']) {
      const r = await run(['agreement', csv, '--json', '--consensus', method]);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.out[0]);
      expect(Object.keys(report.consensus)).toHaveLength(12);
      expect(report.consensus.u3.label).toBe('3');
      expect(report.consensus.u3.confidence).toBeGreaterThan(method === 'majority' ? 0.999999 : 0.99);
      expect(report.consensus.u7.label).toBe('4');
      expect(Object.keys(report.reliability).sort()).toEqual(['coder1', 'coder2', 'coder3', 'coder4']);
      expect(Object.keys(report.reliability.coder3)).toEqual(['agreement', 'accuracy', 'confusion']);
      expect(report.reliability.coder3.confusion['1']['2']).toBe(1); // u8: the others say 1, coder3 says 2
    }
    const majority = JSON.parse((await run(['agreement', csv, '--json', '--consensus', 'majority'])).out[0]);
    // u6 is 1,2,3,4: a four-way tie goes to the first label.
    expect(majority.consensus.u6).toEqual({ label: '1', confidence: 0.25 });
  });

  it('prints a short summary for people without --json', async () => {
    const csv = file('k2011.csv', krippendorffCsv());
    const r = await run(['agreement', csv, '--consensus', 'majority']);
    expect(r.code).toBe(0);
    const text = r.out.join('\n');
    expect(text).toMatch(/^k2011\.csv: 41 answers on 12 items by 4 annotators; 11 items rated twice or more/);
    expect(text).toMatch(/Krippendorff's alpha \(nominal\) +0\.743/);
    expect(text).toMatch(/Fleiss' kappa +– +\(items have unequal numbers of ratings\)/);
    expect(text).toMatch(/consensus: 12 items/);
    expect(text).toMatch(/coder3 +\d+ +\d+\.\d%/);
  });

  it('refuses bad input with one line naming the problem and exit code 2', async () => {
    const cases: [string, string[], RegExp][] = [
      ['missing file', ['nothing-here.csv'], /^tandem: no file nothing-here\.csv$/],
      ['unknown column', [file('extra.csv', 'item,annotator,label,score\n1,a,x,3\n1,b,x,4\n')], /unknown column "score": the columns are item,annotator,label/],
      ['missing column', [file('nolabel.csv', 'item,annotator\n1,a\n1,b\n')], /has no column "label"/],
      ['empty file', [file('empty.csv', '')], /empty\.csv is empty: it needs a header item,annotator,label/],
      ['header only', [file('header.csv', 'item,annotator,label\n')], /header\.csv is empty/],
      ['one annotator', [file('alone.csv', 'item,annotator,label\n1,ann,x\n2,ann,y\n')], /answers from one annotator only \(ann\): agreement needs two or more/],
      ['non-numeric at interval', [file('words.csv', 'item,annotator,label\n1,a,cat\n1,b,dog\n'), '--level', 'interval'], /label "cat" is not a number: the interval level needs numeric labels/],
      ['ragged rows', [file('ragged.csv', 'item,annotator,label\n1,a\n')], /ragged\.csv is not readable CSV: .*line 2/],
      ['empty annotator', [file('noone.csv', 'item,annotator,label\n1,,x\n')], /noone\.csv line 2: the annotator is empty/],
      ['unknown level', [file('k2011.csv', krippendorffCsv()), '--level', 'cardinal'], /Allowed choices are nominal, ordinal, interval, ratio/],
    ];
    for (const [what, args, why] of cases) {
      const r = await run(['agreement', ...args, '--json']);
      expect(r.code, what).toBe(2);
      expect(r.err, what).toEqual([expect.stringMatching(why)]);
      expect(r.out, what).toEqual([]);
    }
  });

  it('refuses a file over the size limit before reading it', async () => {
    const big = path.join(DIR, 'big.csv');
    fs.mkdirSync(DIR, { recursive: true });
    fs.writeFileSync(big, 'item,annotator,label\n');
    fs.truncateSync(big, MAX_AGREEMENT_FILE_BYTES + 1); // sparse: no 64 MiB written
    const r = await run(['agreement', 'big.csv', '--json']);
    expect(r.code).toBe(2);
    expect(r.err).toEqual([expect.stringMatching(/big\.csv is 64\.0 MiB: agreement reads files up to 64 MiB/)]);
    fs.rmSync(big);
  });

  it('runs from the terminal with no data folder and creates none', () => {
    const csv = path.join(DIR, 'k2011.csv');
    fs.writeFileSync(csv, krippendorffCsv());
    const data = path.join(DIR, 'no-data-here');
    fs.rmSync(data, { recursive: true, force: true });
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/tandem.mjs'), 'agreement', 'k2011.csv', '--level', 'ordinal', '--json'], {
      cwd: DIR, env: { ...process.env, TANDEM_DATA: data, DATABASE_URL: '' }, encoding: 'utf8', timeout: 120_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).krippendorffAlpha).toBeCloseTo(0.815, 3);
    expect(fs.existsSync(data)).toBe(false);
  });
});

describe.each(DATABASE_KINDS)('tandem agreement PROJECT on %s', (kind) => {
  let database: Database;
  let context: () => Promise<CliContext>;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const services = createServices(database.db, { leaseSeconds: 600, media: createMediaStore(path.join(TMP_ROOT, 'media')) });
    context = async () => ({ services });
  });
  afterAll(async () => { await database?.close(); });

  it("reads the project's standing human answers, with its class order and gold items", async () => {
    const { project, annotators } = await buildProject(database.db, { n: 4, annotators: 3, slug: 'pets', task: { classes: ['dog', 'cat', 'bird'] } });
    const ids = (await database.db.select({ id: items.id }).from(items).where(eq(items.projectId, project.id)).orderBy(items.id)).map((r) => r.id);
    await database.db.update(items).set({ referenceLabel: 'bird' }).where(eq(items.id, ids[3]));
    // Known answers are gold where the project deals gold items.
    await database.db.update(projects).set({ settings: { queue: { goldShare: 0.1 } } }).where(eq(projects.id, project.id));
    const answer = (item: number, who: number, label: string, source: 'human' | 'model' = 'human') => ({
      projectId: project.id, itemId: item, userId: annotators[who].userId, action: 'label' as const, source, payload: { task: 'classification', label },
    });
    await database.db.insert(annotations).values([
      answer(ids[0], 0, 'cat'), answer(ids[0], 1, 'cat'), answer(ids[0], 2, 'dog'),
      answer(ids[1], 0, 'dog'), answer(ids[1], 1, 'cat'), // a tie: the project's first class wins
      answer(ids[2], 0, 'bird'), answer(ids[2], 1, 'bird'), answer(ids[2], 2, 'cat', 'model'), // a model's answer is no rating
      answer(ids[3], 0, 'cat'), answer(ids[3], 1, 'cat'), answer(ids[3], 2, 'bird'), // gold says bird
    ]);
    const [retracted] = await database.db.insert(annotations).values(answer(ids[2], 2, 'dog')).returning();
    await database.db.insert(annotations).values({ projectId: project.id, itemId: ids[2], userId: annotators[2].userId, action: 'retract', source: 'human', retracts: retracted.id });

    const r = await run(['agreement', 'pets', '--json', '--consensus', 'majority'], context);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out[0]);
    expect(report).toMatchObject({ items: 4, annotators: 3 });
    expect(report.consensus).toEqual({
      [ids[0]]: { label: 'cat', confidence: 2 / 3 },
      [ids[1]]: { label: 'dog', confidence: 0.5 },
      [ids[2]]: { label: 'bird', confidence: 1 },
      [ids[3]]: { label: 'bird', confidence: 1 },
    });
    expect(report.reliability['annotator2@t.local']).toMatchObject({ agreement: 0.5 });
    const byId = await run(['agreement', String(project.id), '--json'], context);
    expect(JSON.parse(byId.out[0]).percentAgreement).toBe(report.percentAgreement);
    // Everyone's answers are for leads and admins: an annotator of the project may not read them.
    await expect((await context()).services.agreement.ratings(annotators[0], project.id)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('says agreement coefficients are for classes on a boxes project, exit 2', async () => {
    await (await context()).services.projects.create(SYSTEM, { slug: 'cars', taskType: 'boxes', classes: ['car'] });
    const r = await run(['agreement', 'cars'], context);
    expect(r.code).toBe(2);
    expect(r.err).toEqual(['tandem: agreement coefficients are for classes; project cars is a boxes project']);
  });

  it('names a project that does not exist', async () => {
    const r = await run(['agreement', 'nope'], context);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([expect.stringMatching(/no project "nope"/)]);
  });
});
