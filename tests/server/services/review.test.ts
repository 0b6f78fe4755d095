import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { listCurrentLabels } from '../../../db/queries/annotations';
import { insertLeases } from '../../../db/queries/leases';
import { pageCurrentLabels } from '../../../db/queries/rankings';
import { items } from '../../../db/schema';
import { Decision } from '../../../lib/protocol/review';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

/** A lead's review: the list of disputes and flags, decisions as new versions, answers sent back. */
describe.each(DATABASE_KINDS)('review service (%s)', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  /** Two annotators answer one item, `labels[k]` each; the item is disputed when they differ. */
  async function answered(labels: string[]) {
    const built = await buildProject(database.db, { n: 4, annotators: labels.length, leads: 1 });
    const [first] = await built.services.queue.claim(built.annotators[0], built.project.id, 1);
    const others = await insertLeases(database.db, built.annotators.slice(1).map((a) => ({
      projectId: built.project.id, itemId: first.itemId, userId: a.userId, stream: 'overlap', expiresAt: new Date(Date.now() + 600_000),
    })));
    const leaseOf = [first.leaseId, ...others.map((o) => o.leaseId)];
    const ids: number[] = [];
    for (let k = 0; k < labels.length; k++) {
      const r = await built.services.labels.submit(built.annotators[k], built.project.id, { leaseId: leaseOf[k], itemId: first.itemId, label: labels[k], clientKey: `review-${k}-${first.itemId}` });
      ids.push(r.annotationId);
    }
    const state = async () => (await database.db.select({ s: items.status }).from(items).where(eq(items.id, first.itemId)))[0].s;
    return { ...built, itemId: first.itemId, answerIds: ids, lead: built.leads[0], state };
  }

  it(`lists a disputed item with every annotator's answer and who gave it (${dbLabel(kind)})`, async () => {
    const t = await answered(['cat', 'dog']);
    const { items: list, waiting } = await t.services.review.list(t.lead, t.project.id, 10);
    expect(waiting).toBe(1);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ itemId: t.itemId, state: 'disputed', consensus: null, decision: null });
    expect(list[0].answers.map((a) => [a.who, a.answer])).toEqual([
      ['annotator0@t.local', { task: 'classification', label: 'cat' }], ['annotator1@t.local', { task: 'classification', label: 'dog' }],
    ].map(([who, answer]) => [expect.stringContaining(String(who).split('@')[0]), answer]));
  });

  it(`settles a dispute by accepting one annotator's answer, recording who and why; the feed and export carry it (${dbLabel(kind)})`, async () => {
    const t = await answered(['cat', 'dog']);
    const r = await t.services.review.decide(t.lead, t.project.id, t.itemId, Decision.parse({ from: t.answerIds[1] }));
    expect(r.state).toBe('resolved');
    expect(await t.state()).toBe('resolved');
    expect((await pageCurrentLabels(database.db, t.project.id, 0, 10)).map((x) => x.label)).toEqual(['dog']);
    const [exported] = await listCurrentLabels(database.db, t.project.id);
    expect(exported).toMatchObject({ label: 'dog', source: 'review', userEmail: 'lead0@t.local' });
    expect((await t.services.review.list(t.lead, t.project.id, 10)).items).toEqual([]);
  });

  it(`takes a different answer from the lead only with a reason, and refuses a class the project lacks (${dbLabel(kind)})`, async () => {
    const t = await answered(['cat', 'dog']);
    expect(Decision.safeParse({ label: 'bird' }).success).toBe(false);
    await expect(t.services.review.decide(t.lead, t.project.id, t.itemId, { label: 'horse', reason: 'x' })).rejects.toMatchObject({ code: 'bad_request' });
    await t.services.review.decide(t.lead, t.project.id, t.itemId, { label: 'bird', reason: 'both missed the beak' });
    const [exported] = await listCurrentLabels(database.db, t.project.id);
    expect(exported.label).toBe('bird');
  });

  it(`refuses an answer that is not a standing answer of the item, and annotators' decisions (${dbLabel(kind)})`, async () => {
    const t = await answered(['cat', 'dog']);
    await expect(t.services.review.decide(t.lead, t.project.id, t.itemId, { from: 999_999 })).rejects.toMatchObject({ code: 'not_found' });
    await expect(t.services.review.decide(t.annotators[0], t.project.id, t.itemId, { from: t.answerIds[0] })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(t.services.review.list(t.annotators[0], t.project.id, 10)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await t.state()).toBe('disputed');
  });

  it(`sends an annotator's recent answers back: they leave training and wait on the review list until decided (${dbLabel(kind)})`, async () => {
    const t = await answered(['cat']);
    expect(await t.state()).toBe('resolved');
    expect(await t.services.review.sendBack(t.lead, t.project.id, { userId: t.annotators[0].userId, count: 5, note: 'check <b>these</b>' })).toEqual({ items: 1 });
    expect(await t.state()).toBe('disputed');
    expect(await pageCurrentLabels(database.db, t.project.id, 0, 10)).toEqual([]);
    const { items: list } = await t.services.review.list(t.lead, t.project.id, 10);
    expect(list[0].flags).toMatchObject([{ kind: 'sent-back', comment: 'check <b>these</b>' }]);
    await t.services.review.decide(t.lead, t.project.id, t.itemId, { from: t.answerIds[0] });
    expect(await t.state()).toBe('resolved');
    expect((await t.services.review.list(t.lead, t.project.id, 10)).items).toEqual([]);
  });

  it(`exports every answer on request, one row each, where the resolved export waits for the decision (${dbLabel(kind)})`, async () => {
    const t = await answered(['cat', 'dog']);
    const rows = async (answers: 'resolved' | 'all') => {
      const r = await t.services.exports.project(t.lead, t.project.id, 'jsonl', answers);
      return r.kind === 'text' ? r.text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
    };
    expect(await rows('resolved')).toEqual([]);
    expect((await rows('all')).map((r) => [r.label, r.source])).toEqual([['cat', 'human'], ['dog', 'human']]);
    await t.services.review.decide(t.lead, t.project.id, t.itemId, { label: 'bird', reason: 'both wrong' });
    expect((await rows('resolved')).map((r) => [r.label, r.source])).toEqual([['bird', 'review']]);
    expect((await rows('all')).map((r) => r.label)).toEqual(['cat', 'dog', 'bird']);
    await expect(t.services.exports.project(t.lead, t.project.id, 'coco', 'all')).rejects.toMatchObject({ code: 'bad_request' });
  });
});
