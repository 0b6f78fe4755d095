import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { insertLeases } from '../../../db/queries/leases';
import type { Principal } from '../../../server/services/access';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

/**
 * The items page's service: a lead's filters, orders and keyset pages over a project's items, and
 * one item's page cut to what the caller may see.
 */
describe.each(DATABASE_KINDS)('items service on %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  /**
   * 12 items: annotator 0 answers four (cat, dog, cat, bird), annotator 1 answers two of them again on
   * overlap leases (one agreeing, one not: a dispute), an applied ranking scores every item, and
   * annotator 0 flags one more item they hold.
   */
  async function scene() {
    const built = await buildProject(database.db, { n: 12, annotators: 2, leads: 1 });
    const { services, project, annotators } = built;
    const [a0, a1] = annotators;
    const held = await services.queue.claim(a0, project.id, 5);
    const labels = ['cat', 'dog', 'cat', 'bird'];
    let k = 0;
    const answer = (p: Principal, leaseId: number, itemId: number, label: string) =>
      services.labels.submit(p, project.id, { leaseId, itemId, label, clientKey: `items-test-${++k}` });
    for (const [i, label] of labels.entries()) await answer(a0, held[i].leaseId, held[i].itemId, label);
    const overlap = await insertLeases(database.db, [0, 1].map((i) => ({
      projectId: project.id, itemId: held[i].itemId, userId: a1.userId, stream: 'overlap', expiresAt: new Date(Date.now() + 600_000),
    })));
    await answer(a1, overlap[0].leaseId, held[0].itemId, 'cat');
    await answer(a1, overlap[1].leaseId, held[1].itemId, 'cat');
    const flagged = held[4].itemId;
    await services.itemNotes.flag(a0, project.id, flagged, { reason: 'broken', comment: 'all <b>grey</b>', leaseId: held[4].leaseId });
    // An applied ranking over every item: uncertainty falls with the item id, the model predicts "dog" for even ids.
    const ids = (await database.db.execute(sql`select id from items where project_id = ${project.id} order by id`) as unknown as { rows: { id: number }[] }).rows.map((r) => Number(r.id));
    await database.db.execute(sql`insert into model_versions (project_id, label_count, backend) values (${project.id}, 4, 'test')`);
    await database.db.execute(sql`insert into rankings (project_id, model_version_id, strategy, label_count, status)
      values (${project.id}, (select max(id) from model_versions), 'margin', 4, 'applied')`);
    for (const [pos, id] of ids.entries()) {
      await database.db.execute(sql`insert into ranking_entries (ranking_id, item_id, position, score, predicted, confidence, uncertainty)
        values ((select max(id) from rankings), ${id}, ${pos}, ${1 - pos / 12}, ${id % 2 === 0 ? 'dog' : 'cat'}, 0.6, ${1 - pos / 12})`);
    }
    return { ...built, lead: built.leads[0], held, ids, flagged, disputed: held[1].itemId, agreed: held[0].itemId };
  }

  it('lists the newest answers first, each item once at its newest answer', async () => {
    const t = await scene();
    const r = await t.services.items.browse(t.lead, t.project.id, {});
    expect(r.items.map((i) => i.id)).toEqual([t.held[1].itemId, t.held[0].itemId, t.held[3].itemId, t.held[2].itemId]);
    expect(r.items.find((i) => i.id === t.disputed)).toMatchObject({ status: 'disputed', answers: 2, resolved: null });
    expect(r.items.find((i) => i.id === t.agreed)).toMatchObject({ status: 'resolved', answers: 2, resolved: { class: 'cat', summary: 'cat', source: 'human' } });
  });

  it('filters by state, flag, class, predicted class, annotator, stream, split and uncertainty', async () => {
    const t = await scene();
    const ids = async (q: Record<string, string>) => (await t.services.items.browse(t.lead, t.project.id, { sort: 'id', ...q })).items.map((i) => i.id).sort((a, b) => a - b);
    const asc = (xs: number[]) => [...xs].sort((a, b) => a - b);
    expect(await ids({ status: 'disputed' })).toEqual([t.disputed]);
    expect(await ids({ disputed: '1' })).toEqual([t.disputed]);
    expect(await ids({ flagged: '1' })).toEqual([t.flagged]);
    expect((await ids({ flagged: '0' })).length).toBe(11);
    // The resolved class: the disputed item has none, the agreed one is a cat, and so is held[2].
    expect(await ids({ class: 'cat' })).toEqual(asc([t.held[0].itemId, t.held[2].itemId]));
    expect(await ids({ class: 'bird' })).toEqual([t.held[3].itemId]);
    expect(await ids({ predicted: 'dog' })).toEqual(t.ids.filter((id) => id % 2 === 0));
    expect(await ids({ annotator: String(t.annotators[1].userId) })).toEqual(asc([t.held[0].itemId, t.held[1].itemId]));
    expect(await ids({ stream: 'overlap' })).toEqual(asc([t.held[0].itemId, t.held[1].itemId]));
    expect(await ids({ stream: 'gold' })).toEqual([]);
    expect((await ids({ split: 'pool' })).length).toBe(12);
    expect(await ids({ split: 'holdout' })).toEqual([]);
    expect(await ids({ uncertaintyMin: '0.9' })).toEqual(t.ids.slice(0, 2));
    expect(await ids({ uncertaintyMin: '0.5', uncertaintyMax: '0.7', predicted: 'cat' })).toEqual(t.ids.filter((id, pos) => 1 - pos / 12 >= 0.5 && 1 - pos / 12 <= 0.7 && id % 2 === 1));
    expect(await ids({ status: 'open', flagged: '1' })).toEqual([t.flagged]);
  });

  it('filters by the day of the newest answer', async () => {
    const t = await scene();
    await database.db.execute(sql`update annotations set created_at = '2026-01-10T12:00:00Z' where item_id = ${t.held[3].itemId}`);
    const ids = async (q: Record<string, string>) => (await t.services.items.browse(t.lead, t.project.id, q)).items.map((i) => i.id);
    expect(await ids({ from: '2026-01-10', to: '2026-01-10' })).toEqual([t.held[3].itemId]);
    expect(await ids({ from: '2026-01-10', to: '2026-01-10', sort: 'id' })).toEqual([t.held[3].itemId]);
    expect(await ids({ to: '2026-01-09' })).toEqual([]);
  });

  it('pages by keyset in every order, each item once, until there is no next page', async () => {
    const t = await scene();
    for (const sort of ['id', 'uncertainty', 'newest'] as const) {
      const seen: number[] = [];
      let after: string | undefined;
      for (let page = 0; page < 20; page++) {
        const r = await t.services.items.browse(t.lead, t.project.id, { sort, limit: '5', ...(after ? { after } : {}) });
        seen.push(...r.items.map((i) => i.id));
        if (!r.next) break;
        after = r.next;
      }
      const expected = sort === 'newest' ? 4 : 12;
      expect(seen.length, sort).toBe(expected);
      expect(new Set(seen).size, sort).toBe(expected);
      if (sort === 'id') expect(seen).toEqual([...t.ids].reverse());
      if (sort === 'uncertainty') expect(seen).toEqual(t.ids);
    }
  });

  it('is for leads and admins: an annotator is refused, an outsider does not see the project', async () => {
    const t = await scene();
    await expect(t.services.items.browse(t.annotators[0], t.project.id, {})).rejects.toMatchObject({ code: 'forbidden' });
    await expect(t.services.items.browse(t.outsider, t.project.id, {})).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses a bad query with a message naming the parameter', async () => {
    const t = await scene();
    await expect(t.services.items.browse(t.lead, t.project.id, { status: 'finished' })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/status: "finished" is not a state/) });
  });

  it('shows a lead every version of an item with who gave it, the model\'s view, flags and the streams that dealt it', async () => {
    const t = await scene();
    const d = await t.services.items.detail(t.lead, t.project.id, t.disputed);
    expect(d.viewer.lead).toBe(true);
    expect(d.history.map((h) => [h.summary, h.user?.id, h.source, h.standing])).toEqual([
      ['dog', t.annotators[0].userId, 'human', true], ['cat', t.annotators[1].userId, 'human', true],
    ]);
    expect(d.prediction?.ranking).toMatchObject({ predicted: t.disputed % 2 === 0 ? 'dog' : 'cat', confidence: expect.closeTo(0.6, 5) });
    expect(d.leases.map((l) => [l.stream, l.user.id])).toContainEqual(['overlap', t.annotators[1].userId]);
    const f = await t.services.items.detail(t.lead, t.project.id, t.flagged);
    expect(f.flags).toMatchObject([{ kind: 'annotator', reason: 'broken', comment: 'all <b>grey</b>', user: { id: t.annotators[0].userId } }]);
  });

  it('shows an annotator only their own versions of an item they answered, and refuses items they did not answer', async () => {
    const t = await scene();
    const [a0, a1] = t.annotators;
    const mine = await t.services.items.detail(a1, t.project.id, t.disputed);
    expect(mine.viewer.lead).toBe(false);
    expect(mine.history.map((h) => [h.summary, h.user?.id])).toEqual([['cat', a1.userId]]);
    expect(mine.prediction).toBeNull();
    expect(mine.leases).toEqual([]);
    await expect(t.services.items.detail(a1, t.project.id, t.held[2].itemId)).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/only items you answered/) });
    // The flagger sees their own flag on an item they never answered only through the lead: they did not answer it.
    await expect(t.services.items.detail(a0, t.project.id, t.flagged)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(t.services.items.detail(t.outsider, t.project.id, t.disputed)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('shows the lead\'s decision to the annotators whose answers it settled, with what it replaced and why', async () => {
    const t = await scene();
    const { annotationId } = await t.services.review.decide(t.lead, t.project.id, t.disputed, { label: 'bird', reason: 'a bird <i>on</i> a dog' });
    const lead = await t.services.items.detail(t.lead, t.project.id, t.disputed);
    const decision = lead.history.find((h) => h.id === annotationId)!;
    expect(decision).toMatchObject({ source: 'review', reason: 'a bird <i>on</i> a dog', summary: 'bird', resolved: true, user: { id: t.lead.userId } });
    expect(decision.replaces).toBe(lead.history[1].id);
    const annotator = await t.services.items.detail(t.annotators[0], t.project.id, t.disputed);
    expect(annotator.history.map((h) => [h.summary, h.source])).toEqual([['dog', 'human'], ['bird', 'review']]);
    // The decision replaced the other annotator's answer, which this annotator may not see: not named.
    expect(annotator.history[1].replaces).toBeNull();
  });

  it('marks nothing resolved on a disputed item, and hides a weak consensus there from its annotators', async () => {
    const t = await scene();
    await database.db.execute(sql`insert into annotations (project_id, item_id, action, payload, source, confidence)
      values (${t.project.id}, ${t.disputed}, 'label', '{"task":"classification","label":"dog"}', 'consensus', 0.55)`);
    const lead = await t.services.items.detail(t.lead, t.project.id, t.disputed);
    expect(lead.item.status).toBe('disputed');
    expect(lead.history.map((h) => [h.source, h.resolved])).toEqual([['human', false], ['human', false], ['consensus', false]]);
    const annotator = await t.services.items.detail(t.annotators[1], t.project.id, t.disputed);
    expect(annotator.history.map((h) => h.source)).toEqual(['human']);
  });

  it('answers 404 for an item of another project', async () => {
    const t = await scene();
    await expect(t.services.items.detail(t.lead, t.project.id, 999_999)).rejects.toMatchObject({ code: 'not_found' });
  });
});
