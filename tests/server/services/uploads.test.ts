import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client';
import { listImports } from '../../../db/queries/imports';
import { countProjectItems } from '../../../db/queries/projects';
import { listCurrentLabels } from '../../../db/queries/annotations';
import { findLatestPrelabel } from '../../../db/queries/prelabels';
import { SYSTEM } from '../../../server/services/access';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';
import { pngBytes } from '../../fixtures/images';

/** A batch as the page sends it: the entries, and a file per entry. */
function batch(entries: { name: string; label?: string; bytes: Buffer }[], labels: 'annotate' | 'prelabel' | 'ignore' = 'ignore') {
  return { meta: { labels, holdout: 0, files: entries.map(({ bytes: _b, ...e }) => e) }, files: entries.map((e) => e.bytes) };
}

describe.each(DATABASE_KINDS)('browser upload on %s', (kind) => {
  let database: Database;
  beforeEach(async () => {
    database = await openTestDatabase(kind);
  });
  afterEach(async () => {
    await database.close();
  });

  it('imports the good files of a batch, names each broken one with its reason, and tells open pages once', async () => {
    const built = await buildProject(database.db, { n: 0 });
    const told: number[] = [];
    built.services.lifecycle.use({ name: 'probe', onItemsImported: (pid, e) => void told.push(pid, e.added) });
    const truncated = pngBytes(3).subarray(0, 40);
    const b = batch([
      { name: 'shots/a.png', bytes: pngBytes(1) },
      { name: 'shots/b.png', bytes: pngBytes(2) },
      { name: 'shots/cut.png', bytes: truncated },
      { name: 'shots/notes.png', bytes: Buffer.from('hello, not a picture') },
      { name: 'shots/<b>empty</b>.png', bytes: Buffer.alloc(0) },
    ]);
    const r = await built.services.uploads.import(SYSTEM, built.project.id, b.meta, b.files);
    expect(r.added).toBe(2);
    expect(r.duplicates).toBe(0);
    expect(r.failed.map((f) => f.file)).toEqual(['shots/cut.png', 'shots/notes.png', 'shots/<b>empty</b>.png']);
    expect(r.failed[0].reason).toMatch(/broken or cut-off PNG/);
    expect(r.failed[1].reason).toMatch(/not a PNG or JPEG/);
    expect(r.failed[2].reason).toBe('the file is empty');
    expect(told).toEqual([built.project.id, 2]);
    expect(await countProjectItems(database.db, built.project.id)).toMatchObject({ items: 2, labeled: 0 });
    const items = await database.db.query.items.findMany();
    expect(items.map((i) => i.sourceName).sort()).toEqual(['shots/a.png', 'shots/b.png']);
    expect(items.every((i) => i.status === 'open' && i.width === 8 && i.split === 'pool')).toBe(true);
  });

  it('adds nothing when a batch is sent again after a lost answer: its files count as duplicates', async () => {
    const built = await buildProject(database.db, { n: 0 });
    const told: number[] = [];
    built.services.lifecycle.use({ name: 'probe', onItemsImported: (_p, e) => void told.push(e.added) });
    const b = batch([{ name: 'a.png', bytes: pngBytes(1) }, { name: 'b.png', bytes: pngBytes(2) }, { name: 'a-copy.png', bytes: pngBytes(1) }]);
    expect(await built.services.uploads.import(SYSTEM, built.project.id, b.meta, b.files)).toEqual({ added: 2, duplicates: 1, failed: [] });
    expect(await built.services.uploads.import(SYSTEM, built.project.id, b.meta, b.files)).toEqual({ added: 0, duplicates: 3, failed: [] });
    expect(told).toEqual([2]);
    expect((await listImports(database.db, built.project.id)).map((i) => [i.source, i.added, i.duplicates]))
      .toEqual([['upload: a.png and 2 more', 0, 3], ['upload: a.png and 2 more', 2, 1]]);
  });

  it('takes folder names as answers, as prelabels to confirm, or not at all', async () => {
    const built = await buildProject(database.db, { n: 0 });
    const pid = built.project.id;
    const up = (labels: 'annotate' | 'prelabel' | 'ignore', seed: number) => {
      const b = batch([{ name: `cat/${seed}.png`, label: 'cat', bytes: pngBytes(seed) }, { name: `zebra/${seed}.png`, label: 'zebra', bytes: pngBytes(seed + 100) }], labels);
      return built.services.uploads.import(SYSTEM, pid, b.meta, b.files);
    };
    const answers = await up('annotate', 1);
    expect(answers.added).toBe(1);
    expect(answers.failed).toEqual([{ file: 'zebra/1.png', reason: '"zebra" is not one of the project\'s classes (cat, dog, bird)' }]);
    expect((await listCurrentLabels(database.db, pid)).map((l) => [l.sourceName, l.label, l.source])).toEqual([['cat/1.png', 'cat', 'import']]);

    expect((await up('prelabel', 2)).added).toBe(1);
    const pre = await database.db.query.items.findFirst({ where: (i, { eq }) => eq(i.sourceName, 'cat/2.png') });
    expect(pre?.status).toBe('open');
    expect(await findLatestPrelabel(database.db, pid, pre!.id)).toMatchObject({ source: 'import', payload: { label: 'cat' } });
    expect(await listCurrentLabels(database.db, pid)).toHaveLength(1);
    // The annotator's editor starts from it, marked as imported (no model confidence), and the page knows to ask.
    expect(await built.services.labels.prelabel(built.annotators[0], pid, pre!.id)).toEqual({ prelabel: { task: 'classification', label: 'cat' }, source: 'import' });
    expect(await built.services.labels.hasImportedPrelabels(built.annotators[0], pid)).toBe(true);

    // Never on a holdout item: it measures the model and the annotators unaided.
    const held = { meta: { labels: 'prelabel' as const, holdout: 1, files: [{ name: 'cat/held.png', label: 'cat' }] }, files: [pngBytes(77)] };
    expect((await built.services.uploads.import(SYSTEM, pid, held.meta, held.files)).added).toBe(1);
    const heldItem = await database.db.query.items.findFirst({ where: (i, { eq }) => eq(i.sourceName, 'cat/held.png') });
    expect(heldItem?.split).toBe('holdout');
    expect(await built.services.labels.prelabel(built.annotators[0], pid, heldItem!.id)).toEqual({ prelabel: null, source: null });

    // Ignored: the unknown folder name does not matter either.
    expect(await up('ignore', 3)).toEqual({ added: 2, duplicates: 0, failed: [] });
    expect(await listCurrentLabels(database.db, pid)).toHaveLength(1);
  });

  it('lets admins and the project\'s leads upload, refuses annotators and strangers, and refuses a batch that does not add up', async () => {
    const built = await buildProject(database.db, { n: 0, leads: 1 });
    const pid = built.project.id;
    const b = batch([{ name: 'a.png', bytes: pngBytes(1) }]);
    expect((await built.services.uploads.import(built.leads[0], pid, b.meta, b.files)).added).toBe(1);
    await expect(built.services.uploads.import(built.annotators[0], pid, b.meta, b.files)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(built.services.uploads.import(built.outsider, pid, b.meta, b.files)).rejects.toMatchObject({ code: 'not_found' });
    await expect(built.services.uploads.import(SYSTEM, pid, b.meta, [])).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/names 1 files but carries 0/) });
    await expect(built.services.uploads.import(SYSTEM, pid, { ...b.meta, labels: 'maybe' }, b.files)).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/labels must be one of annotate, prelabel, ignore/) });
    expect((await countProjectItems(database.db, pid)).items).toBe(1);
  });

  it('refuses folder labels on a box project instead of guessing what they mean', async () => {
    const built = await buildProject(database.db, { n: 0, task: { taskType: 'boxes', classes: ['car'] } });
    const b = batch([{ name: 'car/a.png', label: 'car', bytes: pngBytes(1) }], 'annotate');
    await expect(built.services.uploads.import(SYSTEM, built.project.id, b.meta, b.files)).rejects.toMatchObject({ message: expect.stringMatching(/boxes project has none to give/) });
    const ignored = batch([{ name: 'car/a.png', label: 'car', bytes: pngBytes(1) }], 'ignore');
    expect((await built.services.uploads.import(SYSTEM, built.project.id, ignored.meta, ignored.files)).added).toBe(1);
  });

  it('takes a COCO file\'s boxes as answers or prelabels, checked against the project and each image', async () => {
    const built = await buildProject(database.db, { n: 0, task: { taskType: 'boxes', classes: ['car', 'person'] } });
    const pid = built.project.id;
    const car = { task: 'boxes', boxes: [{ class: 'car', x: 1, y: 2, w: 5, h: 4 }] };
    const meta = (labels: 'annotate' | 'prelabel') => ({
      labels, holdout: 0, files: [
        { name: `${labels}/a.png`, answer: car, width: 8, height: 8 },
        { name: `${labels}/wide.png`, answer: car, width: 20, height: 8 },
        { name: `${labels}/outside.png`, answer: { task: 'boxes', boxes: [{ class: 'car', x: 6, y: 6, w: 5, h: 5 }] }, width: 8, height: 8 },
      ],
    });
    const seeds = (k: number) => [pngBytes(k), pngBytes(k + 1), pngBytes(k + 2)];
    const r = await built.services.uploads.import(SYSTEM, pid, meta('annotate'), seeds(1));
    expect(r.added).toBe(1);
    expect(r.failed).toEqual([
      { file: 'annotate/wide.png', reason: 'the image is 8×8 but the COCO file says 20×8' },
      { file: 'annotate/outside.png', reason: expect.stringMatching(/^its answer in the COCO file does not fit the project: /) },
    ]);
    const labels = await listCurrentLabels(database.db, pid);
    expect(labels.map((l) => [l.sourceName, l.source])).toEqual([['annotate/a.png', 'import']]);

    expect((await built.services.uploads.import(SYSTEM, pid, meta('prelabel'), seeds(10))).added).toBe(1);
    const pre = await database.db.query.items.findFirst({ where: (i, { eq }) => eq(i.sourceName, 'prelabel/a.png') });
    expect(pre?.status).toBe('open');
    expect(await built.services.labels.prelabel(built.annotators[0], pid, pre!.id)).toEqual({ prelabel: car, source: 'import' });
  });
});
