import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../../db/client';
import { listCurrentLabels } from '../../../db/queries/annotations';
import { parseCsv } from '../../../lib/import/manifest';
import { SYSTEM } from '../../../server/services/access';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';
import { pngBytes, writeClassFolders } from '../../fixtures/images';
import { TMP_ROOT } from '../../fixtures/paths';

const COLUMNS = ['image', 'label', 'group', 'split', 'annotator', 'source', 'labeled_at', 'answer'];

describe.each(DATABASE_KINDS)('export on %s', (kind) => {
  let database: Database;
  let dir: string;
  beforeEach(async () => {
    database = await openTestDatabase(kind);
    dir = fs.mkdtempSync(path.join(TMP_ROOT, 'export-'));
  });
  afterEach(async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exports the latest standing label of each item with who gave it and when', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 0 });
    writeClassFolders(dir, ['cat', 'dog'], 3);
    await services.imports.run(SYSTEM, project.id, dir, { labels: 'ignore', holdout: 0 });
    const [a, b] = await services.queue.claim(annotators[0], project.id, 2);
    const before = Date.now();
    await services.labels.submit(annotators[0], project.id, { leaseId: a.leaseId, itemId: a.itemId, label: 'cat', clientKey: 'key-000001' });
    await services.labels.submit(annotators[0], project.id, { leaseId: b.leaseId, itemId: b.itemId, label: 'dog', clientKey: 'key-000002' });

    const rows = (await services.exports.labels(SYSTEM, project.id, 'jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0])).toEqual(COLUMNS);
    expect(rows.map((r) => r.label).sort()).toEqual(['cat', 'dog']);
    for (const r of rows) {
      expect(r).toMatchObject({ annotator: 'annotator0@t.local', source: 'human', split: 'pool', group: r.image });
      expect(Date.parse(r.labeled_at)).toBeGreaterThanOrEqual(before - 5000);
    }
    // Undo takes the newest label back: it no longer stands, so it is no longer exported.
    await services.labels.undo(annotators[0], project.id);
    expect((await services.exports.labels(SYSTEM, project.id, 'jsonl')).trim().split('\n')).toHaveLength(1);
  });

  it('quotes CSV fields that hold commas, quotes and newlines', async () => {
    const { services, project } = await buildProject(database.db, { n: 0 });
    fs.mkdirSync(path.join(dir, 'cat'));
    const names = ['plain.png', 'a, "b".png', 'line\nbreak.png'];
    names.forEach((n, i) => fs.writeFileSync(path.join(dir, 'cat', n), pngBytes(40 + i)));
    await services.imports.run(SYSTEM, project.id, dir);
    const csv = await services.exports.labels(SYSTEM, project.id, 'csv');
    const [header, ...rows] = parseCsv(csv);
    expect(header).toEqual(COLUMNS);
    expect(rows.map((r) => r[0]).sort()).toEqual(names.map((n) => `cat/${n}`).sort());
    expect(rows.every((r) => r[1] === 'cat' && r[4] === '' && r[5] === 'import')).toBe(true);
  });

  it('writes an export that imports back into a fresh project as the same labels, groups and splits', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 0 });
    writeClassFolders(dir, ['cat', 'dog', 'bird'], 5);
    await services.imports.run(SYSTEM, project.id, dir, { holdout: 0.4 });
    // One more item, labeled by a person: the export mixes imported and human labels.
    fs.writeFileSync(path.join(dir, 'extra.png'), pngBytes(4242));
    await services.imports.run(SYSTEM, project.id, dir, { labels: 'ignore', holdout: 0 });
    const [lease] = await services.queue.claim(annotators[0], project.id, 1);
    await services.labels.submit(annotators[0], project.id, { leaseId: lease.leaseId, itemId: lease.itemId, label: 'bird', clientKey: 'key-000003' });

    const snapshot = async (pid: number) => (await listCurrentLabels(database.db, pid)).map((l) => [l.sourceName, l.label, l.groupKey, l.split]).sort();
    const original = await snapshot(project.id);
    expect(original).toHaveLength(16);
    for (const format of ['csv', 'jsonl'] as const) {
      const file = path.join(dir, `export.${format}`);
      fs.writeFileSync(file, await services.exports.labels(SYSTEM, project.id, format));
      const copy = await services.projects.create(SYSTEM, { slug: `copy-${format}`, classes: ['cat', 'dog', 'bird'] });
      expect(await services.imports.run(SYSTEM, copy.id, file)).toEqual({ added: 16, duplicates: 0, failed: [] });
      expect(await snapshot(copy.id)).toEqual(original);
    }
  });

  it('lets leads export and refuses annotators', async () => {
    const { services, project, leads, annotators } = await buildProject(database.db, { n: 0, leads: 1 });
    expect(await services.exports.labels(leads[0], project.id, 'csv')).toBe(`${COLUMNS.join(',')}\n`);
    expect(await services.exports.labels(leads[0], project.id, 'jsonl')).toBe('');
    await expect(services.exports.labels(annotators[0], project.id, 'csv')).rejects.toMatchObject({ code: 'forbidden' });
  });
});
