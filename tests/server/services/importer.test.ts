import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../../db/client';
import { countProjectItems } from '../../../db/queries/projects';
import { listCurrentLabels } from '../../../db/queries/annotations';
import { SYSTEM } from '../../../server/services/access';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';
import { pngBytes, writeClassFolders } from '../../fixtures/images';
import { TMP_ROOT } from '../../fixtures/paths';

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

  it('imports a folder per class with its labels, and a re-run adds nothing', async () => {
    const { services, project } = await buildProject(database.db, { n: 0 });
    writeClassFolders(dir, ['cat', 'dog'], 30);
    const first = await services.imports.run(SYSTEM, project.id, dir, { holdout: 0.2 });
    expect(first).toEqual({ added: 60, duplicates: 0, failed: [] });
    const counts = await countProjectItems(database.db, project.id);
    expect(counts).toMatchObject({ items: 60, labeled: 60 });
    expect(counts.holdout).toBeGreaterThan(3);
    expect(counts.holdout).toBeLessThan(24);
    const labels = await listCurrentLabels(database.db, project.id);
    expect(labels.filter((l) => l.label === 'cat').length).toBe(30);
    expect(labels.every((l) => l.source === 'import' && l.sourceName.startsWith(l.label + '/'))).toBe(true);
    const again = await services.imports.run(SYSTEM, project.id, dir, { holdout: 0.2 });
    expect(again).toEqual({ added: 0, duplicates: 60, failed: [] });
  });

  it('reports a truncated image and an unknown class by name and imports the rest', async () => {
    const { services, project } = await buildProject(database.db, { n: 0 });
    writeClassFolders(dir, ['cat', 'horse'], 3);
    fs.writeFileSync(path.join(dir, 'cat', 'broken.png'), pngBytes(999).subarray(0, 40));
    fs.writeFileSync(path.join(dir, 'cat', 'notes.txt'), 'hello');
    const r = await services.imports.run(SYSTEM, project.id, dir);
    expect(r.added).toBe(3);
    expect(r.failed.map((f) => f.file).sort()).toEqual(['cat/broken.png', 'cat/notes.txt', 'horse/horse-0.png', 'horse/horse-1.png', 'horse/horse-2.png']);
    expect(r.failed.find((f) => f.file === 'cat/broken.png')!.reason).toMatch(/broken or truncated PNG/);
    expect(r.failed.find((f) => f.file === 'horse/horse-0.png')!.reason).toMatch(/unknown class "horse"/);
  });

  it('keeps labels as the hidden reference answer in reference mode, leaving items open', async () => {
    const { services, project } = await buildProject(database.db, { n: 0 });
    writeClassFolders(dir, ['bird'], 4);
    await services.imports.run(SYSTEM, project.id, dir, { labels: 'reference', holdout: 0 });
    expect(await countProjectItems(database.db, project.id)).toMatchObject({ items: 4, labeled: 0, holdout: 0 });
    const rows = await database.db.query.items.findMany();
    expect(rows.map((r) => r.referenceLabel)).toEqual(['bird', 'bird', 'bird', 'bird']);
  });

  it('imports a flat folder of unlabeled images and a CSV manifest with groups and splits', async () => {
    const { services, project } = await buildProject(database.db, { n: 0 });
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(dir, `u${i}.png`), pngBytes(500 + i));
    expect(await services.imports.run(SYSTEM, project.id, dir)).toMatchObject({ added: 3, failed: [] });
    fs.mkdirSync(path.join(dir, 'm'));
    for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(dir, 'm', `v${i}.png`), pngBytes(700 + i));
    fs.writeFileSync(path.join(dir, 'm', 'list.csv'), 'image,label,group,split\nv0.png,cat,video1,holdout\nv1.png,dog,video1,holdout\nv2.png,,video2,\nv3.png,cat,,bogus\nmissing.png,cat,,\n');
    const r = await services.imports.run(SYSTEM, project.id, path.join(dir, 'm', 'list.csv'));
    expect(r.added).toBe(3);
    expect(r.failed.map((f) => f.file)).toEqual(['list.csv:5', 'missing.png']);
    const rows = await database.db.query.items.findMany({ where: (t, { eq }) => eq(t.groupKey, 'video1') });
    expect(rows.map((x) => x.split)).toEqual(['holdout', 'holdout']);
  });

  it('refuses a path that does not exist and bad options with a message', async () => {
    const { services, project } = await buildProject(database.db, { n: 0 });
    await expect(services.imports.run(SYSTEM, project.id, path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'not_found' });
    await expect(services.imports.run(SYSTEM, project.id, dir, { holdout: 3 })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('lets only admins import', async () => {
    const { services, project, leads } = await buildProject(database.db, { n: 0, leads: 1 });
    await expect(services.imports.run(leads[0], project.id, dir)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('exports what it imported so that the export imports back to the same labels', async () => {
    const { services, project } = await buildProject(database.db, { n: 0 });
    writeClassFolders(dir, ['cat', 'dog', 'bird'], 5);
    await services.imports.run(SYSTEM, project.id, dir);
    for (const format of ['csv', 'jsonl'] as const) {
      const text = await services.exports.labels(SYSTEM, project.id, format);
      const file = path.join(dir, `export.${format}`);
      fs.writeFileSync(file, text);
      const copy = await services.projects.create(SYSTEM, { slug: `copy-${format}`, classes: ['cat', 'dog', 'bird'] });
      expect(await services.imports.run(SYSTEM, copy.id, file)).toMatchObject({ added: 15, failed: [] });
      const a = (await listCurrentLabels(database.db, project.id)).map((l) => [l.sourceName, l.label, l.split]).sort();
      const b = (await listCurrentLabels(database.db, copy.id)).map((l) => [l.sourceName, l.label, l.split]).sort();
      expect(b).toEqual(a);
    }
  });
});
