import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { listCurrentLabels } from '../../../db/queries/annotations';
import { insertLeases } from '../../../db/queries/leases';
import { pageCurrentLabels } from '../../../db/queries/rankings';
import { annotations, items } from '../../../db/schema';
import { settleItem } from '../../../server/services/settle';
import { taskOfProject } from '../../../lib/tasks';
import type { Principal } from '../../../server/services/access';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

/**
 * Items move between open, collecting, disputed and resolved with the answers given, in the
 * transactions that give them; the trainer's feed and the export read the resolved answer.
 */
describe.each(DATABASE_KINDS)('item states through answers (%s)', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  async function overlapped(annotatorCount: number) {
    const built = await buildProject(database.db, { n: 3, annotators: annotatorCount });
    const [first] = await built.services.queue.claim(built.annotators[0], built.project.id, 1);
    const others = await insertLeases(database.db, built.annotators.slice(1).map((a) => ({
      projectId: built.project.id, itemId: first.itemId, userId: a.userId, stream: 'overlap', expiresAt: new Date(Date.now() + 600_000),
    })));
    const leaseOf = [first.leaseId, ...others.map((o) => o.leaseId)];
    let key = 0;
    const answer = (k: number, label: string) => built.services.labels.submit(built.annotators[k], built.project.id, { leaseId: leaseOf[k], itemId: first.itemId, label, clientKey: `settle-${k}-${++key}` });
    const state = async () => (await database.db.select({ s: items.status }).from(items).where(eq(items.id, first.itemId)))[0].s;
    return { ...built, itemId: first.itemId, answer, state };
  }

  it(`is collecting after the first of two overlap answers, resolved when the second agrees (${dbLabel(kind)})`, async () => {
    const t = await overlapped(2);
    await t.answer(0, 'cat');
    expect(await t.state()).toBe('collecting');
    await t.answer(1, 'cat');
    expect(await t.state()).toBe('resolved');
    expect((await pageCurrentLabels(database.db, t.project.id, 0, 10)).map((r) => [r.itemId, r.label])).toEqual([[t.itemId, 'cat']]);
  });

  it(`is disputed when the answers differ, and the trainer's feed and the export leave it out (${dbLabel(kind)})`, async () => {
    const t = await overlapped(2);
    await t.answer(0, 'cat');
    await t.answer(1, 'dog');
    expect(await t.state()).toBe('disputed');
    expect(await pageCurrentLabels(database.db, t.project.id, 0, 10)).toEqual([]);
    expect(await listCurrentLabels(database.db, t.project.id)).toEqual([]);
    expect((await t.services.labels.progress(t.annotators[0], t.project.id)).labeled).toBe(1);
  });

  it(`is resolved again when one of two disputing annotators takes their answer back (${dbLabel(kind)})`, async () => {
    const t = await overlapped(2);
    await t.answer(0, 'cat');
    await t.answer(1, 'dog');
    await t.services.labels.undo(t.annotators[1] as Principal, t.project.id);
    expect(await t.state()).toBe('resolved');
    expect((await listCurrentLabels(database.db, t.project.id)).map((r) => r.label)).toEqual(['cat']);
  });

  it(`is settled by a confident consensus, which the feed and the export then carry over the raw answers (${dbLabel(kind)})`, async () => {
    const t = await overlapped(3);
    await t.answer(0, 'cat');
    await t.answer(1, 'dog');
    await t.answer(2, 'dog');
    expect(await t.state()).toBe('disputed');
    await database.db.insert(annotations).values({ projectId: t.project.id, itemId: t.itemId, userId: null, action: 'label', payload: { task: 'classification', label: 'dog' }, source: 'consensus', confidence: 0.97 });
    expect(await settleItem(database.db, taskOfProject(t.project), t.itemId)).toBe('resolved');
    expect((await pageCurrentLabels(database.db, t.project.id, 0, 10)).map((r) => r.label)).toEqual(['dog']);
    expect((await listCurrentLabels(database.db, t.project.id)).map((r) => [r.label, r.source])).toEqual([['dog', 'consensus']]);
  });

  it(`is settled by a lead's decision over a newer consensus (${dbLabel(kind)})`, async () => {
    const t = await overlapped(2);
    await t.answer(0, 'cat');
    await t.answer(1, 'dog');
    await database.db.insert(annotations).values({ projectId: t.project.id, itemId: t.itemId, userId: null, action: 'label', payload: { task: 'classification', label: 'bird' }, source: 'review', reason: 'both wrong' });
    await database.db.insert(annotations).values({ projectId: t.project.id, itemId: t.itemId, userId: null, action: 'label', payload: { task: 'classification', label: 'dog' }, source: 'consensus', confidence: 0.99 });
    expect(await settleItem(database.db, taskOfProject(t.project), t.itemId)).toBe('resolved');
    expect((await listCurrentLabels(database.db, t.project.id)).map((r) => r.label)).toEqual(['bird']);
  });
});
