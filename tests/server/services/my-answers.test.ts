import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { insertLeases } from '../../../db/queries/leases';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

/** An annotator's own answers: what became of each, and reopening one within the lease rules. */
describe.each(DATABASE_KINDS)('my answers on %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  async function answered(n: number) {
    const built = await buildProject(database.db, { n: 6, annotators: 2, leads: 1 });
    const me = built.annotators[0];
    const held = await built.services.queue.claim(me, built.project.id, n);
    const ids: number[] = [];
    for (const [i, l] of held.entries()) {
      ids.push((await built.services.labels.submit(me, built.project.id, { leaseId: l.leaseId, itemId: l.itemId, label: i % 2 ? 'dog' : 'cat', clientKey: `mine-key-${i}` })).annotationId);
    }
    return { ...built, me, held, ids, lead: built.leads[0] };
  }

  it('lists the annotator\'s answers newest first, kept, by pages', async () => {
    const t = await answered(3);
    const first = await t.services.myAnswers.list(t.me, t.project.id, { limit: '2' });
    expect(first.answers.map((a) => [a.annotationId, a.summary, a.outcome.kind, a.canReopen])).toEqual([
      [t.ids[2], 'cat', 'kept', true], [t.ids[1], 'dog', 'kept', true],
    ]);
    const second = await t.services.myAnswers.list(t.me, t.project.id, { before: String(first.next) });
    expect(second.answers.map((a) => a.annotationId)).toEqual([t.ids[0]]);
    expect(second.next).toBeNull();
    expect((await t.services.myAnswers.list(t.annotators[1], t.project.id, {})).answers).toEqual([]);
  });

  it('shows a lead\'s decision with who decided and why, and no reopen after it', async () => {
    const t = await answered(1);
    await t.services.review.decide(t.lead, t.project.id, t.held[0].itemId, { label: 'bird', reason: 'it has <b>wings</b>' });
    const [a] = (await t.services.myAnswers.list(t.me, t.project.id, {})).answers;
    expect(a.outcome).toEqual({ kind: 'decided', by: 'lead', same: false });
    expect(a.resolved).toMatchObject({ summary: 'bird', source: 'review', reason: 'it has <b>wings</b>', by: expect.any(String) });
    expect(a.canReopen).toBe(false);
    await expect(t.services.myAnswers.reopen(t.me, t.project.id, { annotationId: t.ids[0] })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/a lead decided item .*it has <b>wings<\/b>/) });
  });

  it('says disputed without showing the other annotator\'s answer', async () => {
    const t = await answered(1);
    const other = t.annotators[1];
    const [lease] = await insertLeases(database.db, [{ projectId: t.project.id, itemId: t.held[0].itemId, userId: other.userId, stream: 'overlap', expiresAt: new Date(Date.now() + 600_000) }]);
    await t.services.labels.submit(other, t.project.id, { leaseId: lease.leaseId, itemId: t.held[0].itemId, label: 'bird', clientKey: 'other-key-1' });
    const [a] = (await t.services.myAnswers.list(t.me, t.project.id, {})).answers;
    expect(a.outcome).toEqual({ kind: 'disputed' });
    expect(a.resolved).toBeNull();
    expect(JSON.stringify(a)).not.toContain('bird');
  });

  it('reopens an older answer: takes it back and deals the item to them again first', async () => {
    const t = await answered(3);
    const lease = await t.services.myAnswers.reopen(t.me, t.project.id, { annotationId: t.ids[0] });
    expect(lease).toMatchObject({ itemId: t.held[0].itemId, stream: 'redo' });
    const [again] = await t.services.queue.claim(t.me, t.project.id, 1);
    expect(again.itemId).toBe(t.held[0].itemId);
    const list = await t.services.myAnswers.list(t.me, t.project.id, {});
    expect(list.answers.find((a) => a.annotationId === t.ids[0])).toMatchObject({ outcome: { kind: 'taken-back' }, canReopen: false });
    expect((await t.services.labels.progress(t.me, t.project.id)).mine).toBe(2);
    await expect(t.services.myAnswers.reopen(t.me, t.project.id, { annotationId: t.ids[0] })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/already took answer/) });
  });

  it('refuses to reopen while someone else holds the item, and hands nothing out', async () => {
    const t = await answered(1);
    const other = t.annotators[1];
    await insertLeases(database.db, [{ projectId: t.project.id, itemId: t.held[0].itemId, userId: other.userId, stream: 'overlap', expiresAt: new Date(Date.now() + 600_000) }]);
    await expect(t.services.myAnswers.reopen(t.me, t.project.id, { annotationId: t.ids[0] })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/someone else is labeling item/) });
    const rows = (await database.db.execute(sql`select count(*)::int as n from annotations where action = 'retract'`) as unknown as { rows: { n: number }[] }).rows;
    expect(rows[0].n).toBe(0);
  });

  it('reopens once the other holder\'s lease has lapsed', async () => {
    const t = await answered(1);
    const other = t.annotators[1];
    await insertLeases(database.db, [{ projectId: t.project.id, itemId: t.held[0].itemId, userId: other.userId, stream: 'overlap', expiresAt: new Date(Date.now() - 1000) }]);
    expect(await t.services.myAnswers.reopen(t.me, t.project.id, { annotationId: t.ids[0] })).toMatchObject({ stream: 'redo' });
  });

  it('refuses someone else\'s answer as not found', async () => {
    const t = await answered(1);
    await expect(t.services.myAnswers.reopen(t.annotators[1], t.project.id, { annotationId: t.ids[0] })).rejects.toMatchObject({ code: 'not_found' });
    await expect(t.services.myAnswers.reopen(t.outsider, t.project.id, { annotationId: t.ids[0] })).rejects.toMatchObject({ code: 'not_found' });
  });
});
