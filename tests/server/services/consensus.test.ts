import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { insertLeases } from '../../../db/queries/leases';
import { pageCurrentLabels } from '../../../db/queries/rankings';
import { insertSnapshot, listSnapshots } from '../../../db/queries/consensus';
import { annotations, itemFlags, items, projects } from '../../../db/schema';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

const CLASSES = ['cat', 'dog', 'bird'];

/**
 * The consensus recompute over a project's answers: a consensus version per overlapped item,
 * disputes it is sure about settled, unsure ones flagged for the lead, and a snapshot.
 */
describe.each(DATABASE_KINDS)('consensus recompute (%s)', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  /** Every annotator answers every item; `answer(k, i)` is annotator k's class for item i. */
  async function allAnswer(n: number, annotatorCount: number, answer: (k: number, i: number) => string) {
    const built = await buildProject(database.db, { n, annotators: annotatorCount, leads: 1 });
    const rows = await database.db.select({ id: items.id }).from(items).where(eq(items.projectId, built.project.id)).orderBy(items.id);
    for (let i = 0; i < rows.length; i++) {
      const leases = await insertLeases(database.db, built.annotators.map((a) => ({
        projectId: built.project.id, itemId: rows[i].id, userId: a.userId, stream: 'overlap', expiresAt: new Date(Date.now() + 600_000),
      })));
      for (let k = 0; k < annotatorCount; k++) {
        await built.services.labels.submit(built.annotators[k], built.project.id, { leaseId: leases[k].leaseId, itemId: rows[i].id, label: answer(k, i), clientKey: `cons-${k}-${rows[i].id}` });
      }
    }
    const stateOf = async (i: number) => (await database.db.select({ s: items.status }).from(items).where(eq(items.id, rows[i].id)))[0].s;
    return { ...built, ids: rows.map((r) => r.id), stateOf };
  }

  it(`settles a 2-to-1 dispute among reliable annotators, writes the consensus, and the feed carries it (${dbLabel(kind)})`, async () => {
    // Three annotators agree on 24 items; on the last, the third says dog.
    const t = await allAnswer(25, 3, (k, i) => (i === 24 && k === 2 ? 'dog' : CLASSES[i % 3]));
    expect(await t.stateOf(24)).toBe('disputed');
    const summary = await t.services.consensus.recompute(t.project.id);
    expect(summary).toMatchObject({ answers: 75, items: 25, overlappedItems: 25 });
    expect(await t.stateOf(24)).toBe('resolved');
    const [written] = await database.db.select().from(annotations).where(and(eq(annotations.itemId, t.ids[24]), eq(annotations.source, 'consensus')));
    expect(written.payload).toEqual({ task: 'classification', label: CLASSES[24 % 3] });
    expect(written.confidence).toBeGreaterThanOrEqual(0.9);
    const feed = await pageCurrentLabels(database.db, t.project.id, t.ids[23], 10);
    expect(feed.map((r) => r.label)).toEqual([CLASSES[24 % 3]]);
    // A second recompute with nothing new writes nothing.
    const before = (await database.db.select().from(annotations).where(eq(annotations.source, 'consensus'))).length;
    await t.services.consensus.recompute(t.project.id);
    expect((await database.db.select().from(annotations).where(eq(annotations.source, 'consensus'))).length).toBe(before);
    // An answer taken back leaves the next recompute (the service keeps the answers in memory between runs).
    await t.services.labels.undo(t.annotators[2], t.project.id);
    expect(await t.services.consensus.recompute(t.project.id)).toMatchObject({ answers: 74 });
  });

  it(`keeps one agreement snapshot per minute, the newest summary of the minute (${dbLabel(kind)})`, async () => {
    const { project } = await buildProject(database.db, { n: 1, annotators: 1 });
    const at = (s: string) => new Date(`2026-12-03T10:${s}Z`);
    const first = await insertSnapshot(database.db, project.id, 10, { v: 1 }, at('00:05'));
    expect(await insertSnapshot(database.db, project.id, 12, { v: 2 }, at('00:40'))).toBe(first);
    const next = await insertSnapshot(database.db, project.id, 15, { v: 3 }, at('01:02'));
    expect(next).not.toBe(first);
    const kept = await listSnapshots(database.db, project.id, 10);
    expect(kept.map((k) => [k.answers, k.summary, k.createdAt.toISOString()])).toEqual([
      [12, { v: 2 }, '2026-12-03T10:00:40.000Z'],
      [15, { v: 3 }, '2026-12-03T10:01:02.000Z'],
    ]);
  });

  it(`leaves a one-against-one dispute to the lead, flagged as a weak consensus (${dbLabel(kind)})`, async () => {
    const t = await allAnswer(2, 2, (k, i) => (i === 1 ? CLASSES[k] : 'cat'));
    await t.services.consensus.recompute(t.project.id);
    expect(await t.stateOf(1)).toBe('disputed');
    const flags = await database.db.select().from(itemFlags).where(and(eq(itemFlags.itemId, t.ids[1]), isNull(itemFlags.resolvedAt)));
    expect(flags.map((f) => f.kind)).toEqual(['weak-consensus']);
    const { items: list } = await t.services.review.list(t.leads[0], t.project.id, 10);
    expect(list.map((x) => x.itemId)).toEqual([t.ids[1]]);
    expect(list[0].consensus?.confidence).toBeLessThan(0.9);
    // The lead decides: the flag closes.
    await t.services.review.decide(t.leads[0], t.project.id, t.ids[1], { from: list[0].answers[0].annotationId });
    await t.services.consensus.recompute(t.project.id);
    expect(await database.db.select().from(itemFlags).where(and(eq(itemFlags.itemId, t.ids[1]), isNull(itemFlags.resolvedAt)))).toEqual([]);
  });

  it(`keeps a snapshot with each annotator's reliability, and flags the one who answers at random (${dbLabel(kind)})`, async () => {
    // Annotator 3 answers by a fixed rotation unrelated to the class: wrong two times in three.
    const t = await allAnswer(45, 4, (k, i) => (k === 3 ? CLASSES[(i * 2 + 1) % 3] : CLASSES[i % 3]));
    const summary = await t.services.consensus.recompute(t.project.id);
    const byName = new Map(summary!.annotators.map((a) => [a.name, a]));
    expect(byName.get('annotator3')).toMatchObject({ noisy: true, answers: 45 });
    expect(byName.get('annotator0')).toMatchObject({ noisy: false, agreement: 1 });
    expect(byName.get('annotator3')!.reason).not.toBe('');
    const history = await t.services.consensus.history(t.leads[0], t.project.id);
    expect(history.at(-1)!.summary.annotators).toHaveLength(4);
    await expect(t.services.consensus.history(t.annotators[0], t.project.id)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it(`takes known answers as given only where the project deals gold items, and a lead's decisions always (${dbLabel(kind)})`, async () => {
    // Two annotators disagree on every item; the known answer sides with annotator 1.
    const t = await allAnswer(12, 2, (k, i) => CLASSES[(i + k) % 3]);
    for (const id of t.ids) await database.db.update(items).set({ referenceLabel: CLASSES[(t.ids.indexOf(id) + 1) % 3] }).where(eq(items.id, id));
    const without = await t.services.consensus.recompute(t.project.id);
    expect(without!.annotators.map((a) => a.goldAnswers)).toEqual([0, 0]);
    await t.services.review.decide(t.leads[0], t.project.id, t.ids[0], { label: CLASSES[1], reason: 'annotator1 is right' });
    const decided = await t.services.consensus.recompute(t.project.id);
    expect(decided!.annotators.map((a) => [a.name, a.goldAnswers, a.goldAccuracy])).toEqual([['annotator0', 1, 0], ['annotator1', 1, 1]]);
    await database.db.update(projects).set({ settings: { queue: { goldShare: 0.2 } } }).where(eq(projects.id, t.project.id));
    const withGold = await t.services.consensus.recompute(t.project.id);
    const byName = new Map(withGold!.annotators.map((a) => [a.name, a]));
    expect(byName.get('annotator1')).toMatchObject({ goldAnswers: 12, goldAccuracy: 1 });
    expect(byName.get('annotator0')).toMatchObject({ goldAnswers: 12, goldAccuracy: 0 });
    expect(await t.stateOf(0)).toBe('resolved');
  });
});
