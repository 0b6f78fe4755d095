import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { encodeAnswer } from '../../../db/queries/answers';
import { insertLeases } from '../../../db/queries/leases';
import { annotations, items, prelabels } from '../../../db/schema';
import { Decision } from '../../../lib/protocol/review';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

type Box = { class: string; x: number; y: number; w: number; h: number };
const car = (x: number): Box => ({ class: 'car', x, y: 20, w: 60, h: 40 });

/** A lead's drawn answer on a box item: the review list gives the model's box to start from, the decision stores the drawing. */
describe.each(DATABASE_KINDS)('a drawn decision on a box item (%s)', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  /** Two annotators draw the car far apart on one 200×100 item; the model's guess is stored as its prelabel. */
  async function disputed() {
    const built = await buildProject(database.db, { n: 2, annotators: 2, leads: 1, task: { taskType: 'boxes', classes: ['car', 'bus'] } });
    await database.db.update(items).set({ width: 200, height: 100 }).where(eq(items.projectId, built.project.id));
    const [row] = await database.db.select({ id: items.id }).from(items).where(eq(items.projectId, built.project.id)).orderBy(items.id).limit(1);
    const leases = await insertLeases(database.db, built.annotators.map((a) => ({
      projectId: built.project.id, itemId: row.id, userId: a.userId, stream: 'overlap', expiresAt: new Date(Date.now() + 600_000),
    })));
    for (const [k, x] of [0, 130].entries()) {
      await built.services.labels.submit(built.annotators[k], built.project.id, { leaseId: leases[k].leaseId, itemId: row.id, answer: { boxes: [car(x)] }, clientKey: `draw-${k}` });
    }
    await database.db.insert(prelabels).values([
      { projectId: built.project.id, itemId: row.id, source: 'model', payload: encodeAnswer({ task: 'boxes', boxes: [car(10)] }) },
      { projectId: built.project.id, itemId: row.id, source: 'model', payload: encodeAnswer({ task: 'boxes', boxes: [car(70)] }) },
    ]);
    return { ...built, itemId: row.id, lead: built.leads[0] };
  }

  it(`lists the item's newest prelabel beside the answers, to draw and to start from (${dbLabel(kind)})`, async () => {
    const t = await disputed();
    const { items: list } = await t.services.review.list(t.lead, t.project.id, 10);
    expect(list.map((x) => x.itemId)).toEqual([t.itemId]);
    expect(list[0].state).toBe('disputed');
    expect(list[0].prelabel).toEqual({ source: 'model', answer: { task: 'boxes', boxes: [car(70)] } });
  });

  it(`settles the item with the lead's drawn boxes and reason, as a review version (${dbLabel(kind)})`, async () => {
    const t = await disputed();
    const drawn = { task: 'boxes', boxes: [{ class: 'bus', x: 50.5, y: 10, w: 90, h: 70.25 }] };
    const r = await t.services.review.decide(t.lead, t.project.id, t.itemId, Decision.parse({ answer: drawn, reason: 'a bus, not a car' }));
    expect(r.state).toBe('resolved');
    const [stored] = await database.db.select().from(annotations).where(and(eq(annotations.itemId, t.itemId), eq(annotations.source, 'review')));
    expect(stored).toMatchObject({ reason: 'a bus, not a car', userId: t.lead.userId });
    expect(stored.payload).toMatchObject({ boxes: drawn.boxes });
    expect((await t.services.review.list(t.lead, t.project.id, 10)).items).toEqual([]);
  });

  it(`refuses a drawing without a reason, and a box past the image's edge, naming the field (${dbLabel(kind)})`, async () => {
    const t = await disputed();
    const noReason = Decision.safeParse({ answer: { task: 'boxes', boxes: [car(20)] } });
    expect(noReason.success).toBe(false);
    expect(JSON.stringify(noReason.error)).toContain('reason');
    await expect(t.services.review.decide(t.lead, t.project.id, t.itemId, { answer: { task: 'boxes', boxes: [car(170)] }, reason: 'there' }))
      .rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('boxes') });
    expect((await t.services.review.list(t.lead, t.project.id, 10)).items.map((x) => x.state)).toEqual(['disputed']);
  });
});
