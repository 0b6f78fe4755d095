import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { insertLeases } from '../../../db/queries/leases';
import { annotations, itemFlags, items } from '../../../db/schema';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

type Box = { class: string; x: number; y: number; w: number; h: number };
const car = (x: number): Box => ({ class: 'car', x, y: 20, w: 60, h: 40 });

/** Boxes: each overlapped item's answers fused into a consensus; annotators measured against it. */
describe.each(DATABASE_KINDS)('consensus of box answers (%s)', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  async function allDraw(n: number, annotatorCount: number, draw: (k: number, i: number) => Box[]) {
    const built = await buildProject(database.db, { n, annotators: annotatorCount, leads: 1, task: { taskType: 'boxes', classes: ['car'] } });
    await database.db.update(items).set({ width: 200, height: 100 }).where(eq(items.projectId, built.project.id));
    const rows = await database.db.select({ id: items.id }).from(items).where(eq(items.projectId, built.project.id)).orderBy(items.id);
    for (let i = 0; i < rows.length; i++) {
      const leases = await insertLeases(database.db, built.annotators.map((a) => ({
        projectId: built.project.id, itemId: rows[i].id, userId: a.userId, stream: 'overlap', expiresAt: new Date(Date.now() + 600_000),
      })));
      for (let k = 0; k < annotatorCount; k++) {
        await built.services.labels.submit(built.annotators[k], built.project.id, { leaseId: leases[k].leaseId, itemId: rows[i].id, answer: { boxes: draw(k, i) }, clientKey: `boxes-${k}-${rows[i].id}` });
      }
    }
    const stateOf = async (i: number) => (await database.db.select({ s: items.status }).from(items).where(eq(items.id, rows[i].id)))[0].s;
    return { ...built, ids: rows.map((r) => r.id), stateOf };
  }

  it(`writes a fused box where people drew nearly the same one, and leaves a box one of three missed to the lead (${dbLabel(kind)})`, async () => {
    // Item 0: three boxes a few pixels apart. Item 1: the third annotator drew nothing.
    const t = await allDraw(2, 3, (k, i) => (i === 1 && k === 2 ? [] : [car(40 + 2 * k)]));
    expect(await t.stateOf(0)).toBe('resolved');
    expect(await t.stateOf(1)).toBe('disputed');
    const summary = await t.services.consensus.recompute(t.project.id);
    expect(summary).toMatchObject({ method: 'fusion', answers: 6, overlappedItems: 2 });
    expect(summary!.pairwise).toBeGreaterThan(0.5);
    expect(summary!.detail!.meanIoU).toBeGreaterThan(0.8);
    // Six pairs of answers: the four where both drew the car match (F1 1), the two with the empty answer do not (F1 0).
    expect(summary!.detail!.f1At50).toBeCloseTo(4 / 6);
    const [fused] = await database.db.select().from(annotations).where(and(eq(annotations.itemId, t.ids[0]), eq(annotations.source, 'consensus')));
    const box = (fused.payload as { boxes: Box[] }).boxes[0];
    expect(box.class).toBe('car');
    expect(box.x).toBeGreaterThan(40);
    expect(box.x).toBeLessThan(44);
    expect(await t.stateOf(1)).toBe('disputed');
    const flags = await database.db.select().from(itemFlags).where(and(eq(itemFlags.itemId, t.ids[1]), isNull(itemFlags.resolvedAt)));
    expect(flags.map((f) => f.kind)).toEqual(['weak-consensus']);
    const { items: list } = await t.services.review.list(t.leads[0], t.project.id, 10);
    expect(list.map((x) => x.itemId)).toEqual([t.ids[1]]);
    expect(list[0].consensus?.answer).toMatchObject({ task: 'boxes', boxes: [{ class: 'car' }] });
  });

  it(`measures each annotator by how well their boxes agree with the fused ones (${dbLabel(kind)})`, async () => {
    // Annotator 2 draws every box 25 px off to the side.
    const t = await allDraw(4, 3, (k) => [car(k === 2 ? 65 : 40 + k)]);
    const summary = await t.services.consensus.recompute(t.project.id);
    const agreement = new Map(summary!.annotators.map((a) => [a.name, a.agreement!]));
    expect(agreement.get('annotator2')).toBeLessThan(agreement.get('annotator0')!);
    expect(agreement.get('annotator2')).toBeLessThan(agreement.get('annotator1')!);
  });
});
