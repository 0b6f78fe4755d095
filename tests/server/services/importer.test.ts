import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import type { Database } from '../../../db/client';
import { listImports } from '../../../db/queries/imports';
import { countProjectItems } from '../../../db/queries/projects';
import { listCurrentLabels } from '../../../db/queries/annotations';
import { writeMnistPngs } from '../../../server/demo';
import { SYSTEM } from '../../../server/services/access';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';
import { pngBytes, writeClassFolders } from '../../fixtures/images';
import { TMP_ROOT } from '../../fixtures/paths';

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** 200 real MNIST digits as <digit>/<digit>-<n>.png, written once for the file. */
const MNIST = path.join(TMP_ROOT, 'importer-mnist');

function jpegBytes(seed: number, w = 16, h = 12): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([(seed * 13 + i) % 256, (seed * 7) % 256, i % 256, 255], i * 4);
  return jpeg.encode({ data, width: w, height: h }, 90).data;
}

beforeAll(async () => {
  await writeMnistPngs(MNIST, 200);
});

describe.each(DATABASE_KINDS)('import on %s', (kind) => {
  let database: Database;
  let dir: string;
  beforeEach(async () => {
    database = await openTestDatabase(kind);
    dir = fs.mkdtempSync(path.join(TMP_ROOT, 'import-'));
  });
  afterEach(async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const digitsProject = async () => {
    const built = await buildProject(database.db, { n: 0 });
    const project = await built.services.projects.create(SYSTEM, { slug: 'digits', classes: DIGITS });
    return { ...built, project };
  };

  it('imports a folder per class of real digits with their labels, and a re-run adds nothing', async () => {
    const { services, project } = await digitsProject();
    const first = await services.imports.run(SYSTEM, project.id, MNIST, { holdout: 0.25 });
    expect(first).toEqual({ added: 200, duplicates: 0, failed: [] });
    const counts = await countProjectItems(database.db, project.id);
    expect(counts).toMatchObject({ items: 200, labeled: 200 });
    // 25% of 200 one-image groups: far outside 30..70 would mean the draw is broken.
    expect(counts.holdout).toBeGreaterThan(30);
    expect(counts.holdout).toBeLessThan(70);

    const labels = await listCurrentLabels(database.db, project.id);
    expect(labels).toHaveLength(200);
    expect(labels.every((l) => l.source === 'import' && l.userEmail === null && l.sourceName.startsWith(`${l.label}/`))).toBe(true);
    for (const d of DIGITS) expect(labels.filter((l) => l.label === d)).toHaveLength(20);
    const items = await database.db.query.items.findMany();
    expect(items.every((i) => i.width === 28 && i.height === 28 && i.mediaType === 'image/png' && i.groupKey === i.sourceName)).toBe(true);
    expect(new Set(items.map((i) => i.dealKey)).size).toBe(200);

    const again = await services.imports.run(SYSTEM, project.id, MNIST, { holdout: 0.25 });
    expect(again).toEqual({ added: 0, duplicates: 200, failed: [] });
    expect((await listCurrentLabels(database.db, project.id))).toHaveLength(200);
    expect((await listImports(database.db, project.id)).map((r) => [r.added, r.duplicates])).toEqual([[0, 200], [200, 0]]);
  });

  it('draws the same holdout for the same seed and keeps a manifest group on one side', async () => {
    const { services, project } = await digitsProject();
    const other = await services.projects.create(SYSTEM, { slug: 'digits-again', classes: DIGITS });
    await services.imports.run(SYSTEM, project.id, MNIST, { holdout: 0.3, seed: 7 });
    await services.imports.run(SYSTEM, other.id, MNIST, { holdout: 0.3, seed: 7 });
    const splits = async (pid: number) => (await database.db.query.items.findMany({ where: (t, { eq }) => eq(t.projectId, pid) }))
      .map((i) => `${i.sourceName}:${i.split}`).sort();
    expect(await splits(other.id)).toEqual(await splits(project.id));

    const lines = fs.readdirSync(path.join(MNIST, '3')).map((f) => JSON.stringify({ image: `${MNIST}/3/${f}`, label: 3, group: 'scan-7' }));
    fs.writeFileSync(path.join(dir, 'threes.jsonl'), lines.join('\n'));
    const third = await services.projects.create(SYSTEM, { slug: 'grouped', classes: DIGITS });
    expect(await services.imports.run(SYSTEM, third.id, path.join(dir, 'threes.jsonl'), { holdout: 0.5 })).toMatchObject({ added: 20, failed: [] });
    const rows = await database.db.query.items.findMany({ where: (t, { eq }) => eq(t.projectId, third.id) });
    expect(new Set(rows.map((r) => r.split)).size).toBe(1);
    expect(new Set(rows.map((r) => r.groupKey))).toEqual(new Set(['scan-7']));
  });

  it('reports a truncated image, an unknown class, a stray file and a nested folder by name and imports the rest', async () => {
    const { services, project } = await buildProject(database.db, { n: 0 });
    writeClassFolders(dir, ['cat', 'horse'], 3);
    fs.writeFileSync(path.join(dir, 'cat', 'broken.png'), pngBytes(999).subarray(0, 60));
    fs.writeFileSync(path.join(dir, 'cat', 'broken.jpg'), jpegBytes(5).subarray(0, 200));
    fs.writeFileSync(path.join(dir, 'cat', 'photo.jpeg'), jpegBytes(6));
    fs.writeFileSync(path.join(dir, 'cat', 'notes.txt'), 'hello');
    fs.writeFileSync(path.join(dir, 'cat', '.DS_Store'), 'junk');
    fs.mkdirSync(path.join(dir, 'cat', 'more'));
    const r = await services.imports.run(SYSTEM, project.id, dir);
    expect(r.added).toBe(4);
    expect(Object.fromEntries(r.failed.map((f) => [f.file, f.reason]))).toEqual({
      'cat/broken.png': expect.stringMatching(/broken or truncated PNG/),
      'cat/broken.jpg': expect.stringMatching(/broken or truncated JPEG/),
      'cat/notes.txt': expect.stringMatching(/not a \.png/),
      'cat/more/': expect.stringMatching(/folders inside a class folder/),
      'horse/horse-0.png': expect.stringMatching(/unknown class "horse"/),
      'horse/horse-1.png': expect.stringMatching(/unknown class "horse"/),
      'horse/horse-2.png': expect.stringMatching(/unknown class "horse"/),
    });
    const photo = await database.db.query.items.findFirst({ where: (t, { eq }) => eq(t.sourceName, 'cat/photo.jpeg') });
    expect(photo).toMatchObject({ mediaType: 'image/jpeg', width: 16, height: 12, status: 'resolved' });
  });

  it('keeps labels as the hidden reference answer in reference mode, leaving items open', async () => {
    const { services, project } = await digitsProject();
    await services.imports.run(SYSTEM, project.id, MNIST, { labels: 'reference', holdout: 0 });
    expect(await countProjectItems(database.db, project.id)).toMatchObject({ items: 200, labeled: 0, holdout: 0 });
    expect(await listCurrentLabels(database.db, project.id)).toEqual([]);
    const rows = await database.db.query.items.findMany();
    expect(rows.every((r) => r.status === 'open' && r.referenceLabel === r.sourceName.split('/')[0])).toBe(true);
  });

  it('drops folder names in ignore mode, so even a class the project lacks imports unlabeled', async () => {
    const { services, project } = await buildProject(database.db, { n: 0 });
    writeClassFolders(dir, ['horse'], 3);
    expect(await services.imports.run(SYSTEM, project.id, dir, { labels: 'ignore' })).toEqual({ added: 3, duplicates: 0, failed: [] });
    const rows = await database.db.query.items.findMany();
    expect(rows.map((r) => [r.status, r.referenceLabel])).toEqual([['open', null], ['open', null], ['open', null]]);
  });

  it('leaves only whole batches after an interruption, and a re-run finishes the import', async () => {
    const { services, project } = await digitsProject();
    const stop = new Error('power cut');
    await expect(services.imports.run(SYSTEM, project.id, MNIST, { batchSize: 30, onProgress: () => { throw stop; } })).rejects.toBe(stop);
    expect(await countProjectItems(database.db, project.id)).toMatchObject({ items: 30, labeled: 30 });
    expect(await listCurrentLabels(database.db, project.id)).toHaveLength(30);

    const progress: [number, number][] = [];
    const r = await services.imports.run(SYSTEM, project.id, MNIST, { batchSize: 30, onProgress: (d, t) => progress.push([d, t]) });
    expect(r).toEqual({ added: 170, duplicates: 30, failed: [] });
    expect(progress.at(-1)).toEqual([200, 200]);
    expect(progress).toHaveLength(7);
    expect(await countProjectItems(database.db, project.id)).toMatchObject({ items: 200, labeled: 200 });
  });

  it('imports a flat folder of unlabeled images and a CSV manifest with groups and splits', async () => {
    const { services, project } = await buildProject(database.db, { n: 0 });
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(dir, `u${i}.png`), pngBytes(500 + i));
    expect(await services.imports.run(SYSTEM, project.id, dir)).toEqual({ added: 3, duplicates: 0, failed: [] });
    expect(await countProjectItems(database.db, project.id)).toMatchObject({ items: 3, labeled: 0 });

    fs.mkdirSync(path.join(dir, 'm'));
    for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(dir, 'm', `v${i}.png`), pngBytes(700 + i));
    fs.writeFileSync(path.join(dir, 'm', 'list.csv'),
      'image,label,group,split\n./v0.png,cat,video1,holdout\nv1.png,dog,video1,holdout\nv2.png,,video2,\nv3.png,cat,,bogus\nmissing.png,cat,,\n../u0.png,,,\n');
    const r = await services.imports.run(SYSTEM, project.id, path.join(dir, 'm', 'list.csv'));
    expect(r.added).toBe(3);
    expect(r.duplicates).toBe(1);
    expect(r.failed).toEqual([
      { file: 'list.csv:5', reason: expect.stringMatching(/split must be "pool" or "holdout"/) },
      { file: 'missing.png', reason: 'file not found' },
    ]);
    const rows = await database.db.query.items.findMany({ where: (t, { eq }) => eq(t.groupKey, 'video1') });
    expect(rows.map((x) => [x.sourceName, x.split, x.status])).toEqual([['v0.png', 'holdout', 'resolved'], ['v1.png', 'holdout', 'resolved']]);
  });

  it('counts the same picture twice in one source as a duplicate', async () => {
    const { services, project } = await buildProject(database.db, { n: 0 });
    fs.writeFileSync(path.join(dir, 'a.png'), pngBytes(1));
    fs.writeFileSync(path.join(dir, 'b.png'), pngBytes(1));
    expect(await services.imports.run(SYSTEM, project.id, dir)).toEqual({ added: 1, duplicates: 1, failed: [] });
  });

  it('refuses a missing path, an empty folder, a file that is no manifest and bad options with a message', async () => {
    const { services, project } = await buildProject(database.db, { n: 0 });
    await expect(services.imports.run(SYSTEM, project.id, path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/nothing to import/) });
    await expect(services.imports.run(SYSTEM, project.id, dir)).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/no images in/) });
    fs.writeFileSync(path.join(dir, 'list.txt'), 'a.png\n');
    await expect(services.imports.run(SYSTEM, project.id, path.join(dir, 'list.txt'))).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/\.jsonl or \.csv/) });
    await expect(services.imports.run(SYSTEM, project.id, dir, { holdout: 3 })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/holdout/) });
    await expect(services.imports.run(SYSTEM, project.id, dir, { labels: 'maybe' as never })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('lets only admins import', async () => {
    const { services, project, leads, annotators } = await buildProject(database.db, { n: 0, leads: 1 });
    writeClassFolders(dir, ['cat'], 1);
    await expect(services.imports.run(leads[0], project.id, dir)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(services.imports.run(annotators[0], project.id, dir)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await countProjectItems(database.db, project.id)).toMatchObject({ items: 0 });
  });
});
