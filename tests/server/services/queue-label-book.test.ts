import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { insertAnnotation } from '../../../db/queries/annotations';
import { items } from '../../../db/schema';
import { createLabelBook } from '../../../server/services/label-book';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

describe.each(DATABASE_KINDS)('label book %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  async function setup() {
    const db = database.db;
    const { project, annotators } = await buildProject(db, { n: 6, annotators: 3 });
    const ids = (await db.select({ id: items.id }).from(items).where(eq(items.projectId, project.id)).orderBy(items.id)).map((r) => r.id);
    let clock = 1_000_000;
    const book = createLabelBook(project.id, ids.length, (id) => ids.indexOf(id), { lagMs: 3000, now: () => clock });
    const label = (item: number, user: number, cls: string, id?: number) => insertAnnotation(db, {
      ...(id ? { id } : {}), projectId: project.id, itemId: ids[item], userId: user, action: 'label', payload: { label: cls }, source: 'human',
    });
    const retract = (a: { id: number; itemId: number }, user: number) => insertAnnotation(db, {
      projectId: project.id, itemId: a.itemId, userId: user, action: 'retract', payload: null, source: 'human', retracts: a.id,
    });
    return { db, project, users: annotators.map((a) => a.userId), book, label, retract, tick: (ms: number) => { clock += ms; } };
  }

  it(`counts distinct annotators per item, what each labeled, and the classes seen (${dbLabel(kind)})`, async () => {
    const { db, users: [u1, u2], book, label } = await setup();
    await label(0, u1, 'cat');
    await label(0, u1, 'dog'); // a second version by the same annotator is still one annotator
    await label(0, u2, 'cat');
    await label(3, u2, 'bird');
    await book.refresh(db);
    const { item, count } = book.labeled();
    expect(Object.fromEntries(Array.from(item, (i, j) => [i, count[j]]))).toEqual({ 0: 2, 3: 1 });
    expect([...book.labeledBy(u1)]).toEqual([0]);
    expect([...book.labeledBy(u2)].sort()).toEqual([0, 3]);
    expect(book.hasLabelBy(3, u1)).toBe(false);
    expect(book.labeledCount()).toBe(2);
    expect(book.classesSeen(['cat', 'dog', 'bird', 'fish'])).toBe(3);
    // The least-labeled class: a class with no label makes it 0.
    expect(book.fewestPerClass(['cat', 'dog', 'bird'])).toBe(1);
    expect(book.fewestPerClass(['cat', 'dog', 'bird', 'fish'])).toBe(0);
  });

  it('takes a retracted label back: the item is open again when no other label stands', async () => {
    const { db, users: [u1, u2], book, label, retract } = await setup();
    const a = await label(1, u1, 'cat');
    const b = await label(2, u1, 'dog');
    await label(2, u2, 'dog');
    await book.refresh(db);
    await retract(a, u1);
    await retract(b, u1);
    await book.refresh(db);
    expect(Array.from(book.labeled().item)).toEqual([2]);
    expect(Array.from(book.labeled().count)).toEqual([1]);
    expect([...book.labeledBy(u1)]).toEqual([]);
    expect(book.classesSeen(['cat', 'dog'])).toBe(1);
  });

  it('picks up a label that becomes visible after a newer one, within the re-read window', async () => {
    const { db, users: [u1], book, label, tick } = await setup();
    await label(4, u1, 'cat', 900_000);
    await book.refresh(db);
    // An older id committing late (its transaction took ids before the one above committed).
    await label(5, u1, 'dog', 899_990);
    tick(1000);
    await book.refresh(db);
    expect(Array.from(book.labeled().item).sort()).toEqual([4, 5]);
    // Past the window the book has moved its watermark on, and reads only newer rows.
    tick(5000);
    await book.refresh(db);
    await label(1, u1, 'bird', 900_010);
    await book.refresh(db);
    expect(book.labeledCount()).toBe(3);
  });

  it('lists items labeled since a moment (fresh since a ranking)', async () => {
    const { db, users: [u1], book, label } = await setup();
    await label(0, u1, 'cat');
    await book.refresh(db);
    const since = Date.now() + 60_000;
    expect(Array.from(book.freshSince(since))).toEqual([]);
    expect(Array.from(book.freshSince(0))).toEqual([0]);
  });

  it('keeps a list it handed out as it was while labels are taken back and given again, and lists an item once', async () => {
    const { db, users: [u1, u2], book, label, retract } = await setup();
    const a = await label(1, u1, 'cat');
    await label(2, u1, 'dog');
    await label(4, u2, 'dog');
    await book.refresh(db);
    const before = book.labeled();
    const fresh = book.freshSince(0);
    expect(Array.from(before.item)).toEqual([1, 2, 4]);
    // Item 1 is taken back and labeled again before anyone asks: it keeps its one place.
    await retract(a, u1);
    await book.refresh(db);
    const c = await label(1, u2, 'cat');
    await label(2, u2, 'dog');
    await book.refresh(db);
    const again = book.labeled();
    expect(Array.from(again.item)).toEqual([1, 2, 4]);
    expect(Array.from(again.count)).toEqual([1, 2, 1]);
    // Taken back for good: the next list leaves it out, and the ones handed out before are unchanged.
    await retract(c, u2);
    await book.refresh(db);
    expect(Array.from(book.labeled().item)).toEqual([2, 4]);
    expect(Array.from(book.labeled().count)).toEqual([2, 1]);
    expect(Array.from(book.freshSince(0))).toEqual([2, 4]);
    expect(Array.from(before.item)).toEqual([1, 2, 4]);
    expect(Array.from(fresh)).toEqual([1, 2, 4]);
  });
});
