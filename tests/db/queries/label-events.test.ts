import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { insertAnnotation } from '../../../db/queries/annotations';
import { idMultirange, listLabelEventsAfter } from '../../../db/queries/queue-state';
import { items } from '../../../db/schema';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

describe('idMultirange', () => {
  it('writes runs of consecutive ids as one range each', () => {
    expect(idMultirange([])).toBe('{}');
    expect(idMultirange([7])).toBe('{[7,7]}');
    expect(idMultirange([1, 2, 3, 5, 8, 9])).toBe('{[1,3],[5,5],[8,9]}');
  });

  it('refuses ids out of order, repeated or not whole', () => {
    expect(() => idMultirange([3, 2])).toThrow(RangeError);
    expect(() => idMultirange([2, 2])).toThrow(RangeError);
    expect(() => idMultirange([1.5])).toThrow(RangeError);
  });
});

/** What the label book reads on every claim: the events after its watermark it has not applied yet. */
describe.each(DATABASE_KINDS)('label events %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it(`leave out the ids already seen, and keep a late row inside a run of them (${dbLabel(kind)})`, async () => {
    const db = database.db;
    const { project, annotators } = await buildProject(db, { n: 4, annotators: 1 });
    const [item] = await db.select({ id: items.id }).from(items).where(eq(items.projectId, project.id)).orderBy(items.id).limit(1);
    const label = (id: number, cls: string) => insertAnnotation(db, {
      id, projectId: project.id, itemId: item.id, userId: annotators[0].userId, action: 'label', payload: { label: cls }, source: 'human',
    });
    for (const id of [500_010, 500_011, 500_013, 500_020]) await label(id, 'cat');
    // Seen: 10, 11 and 13. Id 12 commits after them (its transaction took its id first).
    await label(500_012, 'dog');
    const ids = async (seen: number[]) => (await listLabelEventsAfter(db, project.id, 500_000, seen)).map((e) => e.id);
    expect(await ids([])).toEqual([500_010, 500_011, 500_012, 500_013, 500_020]);
    expect(await ids([500_010, 500_011, 500_013])).toEqual([500_012, 500_020]);
    const [late] = await listLabelEventsAfter(db, project.id, 500_000, [500_010, 500_011, 500_013, 500_020]);
    expect(late).toMatchObject({ id: 500_012, action: 'label', itemId: item.id, userId: annotators[0].userId, label: 'dog' });
  });
});
