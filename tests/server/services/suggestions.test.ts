import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database, Db } from '../../../db/client';
import { assignPositions, insertModelVersion, markApplied, replaceChunkEntries, supersedeApplied } from '../../../db/queries/rankings';
import { annotations, items, projects, rankings } from '../../../db/schema';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';
import { classEdit } from '../../../lib/tasks/suggestion';

const CLASSES = ['cat', 'dog', 'bird'];

/** An applied ranking predicting class k % 3 for the k-th item, with probability 0.5 + k/100. */
async function applyPredictions(db: Db, projectId: number) {
  const all = await db.select({ id: items.id }).from(items).where(eq(items.projectId, projectId)).orderBy(items.id);
  const [r] = await db.insert(rankings).values({ projectId, strategy: 'margin', labelCount: 0, status: 'receiving' }).returning();
  await replaceChunkEntries(db, r.id, 0, all.map((x, k) => ({ itemId: x.id, score: 1 - k / 100, predicted: CLASSES[k % 3], confidence: 0.5 + k / 100 })));
  await assignPositions(db, r.id);
  const v = await insertModelVersion(db, { projectId, labelCount: 0, backend: 'test' });
  await supersedeApplied(db, projectId);
  await markApplied(db, r.id, v.id, 'margin', 0);
  return all.map((x, k) => ({ itemId: x.id, label: CLASSES[k % 3], confidence: 0.5 + k / 100 }));
}

describe.each(DATABASE_KINDS)("the model's suggestion on %s", (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it(`is sent only when the project turns it on, never for holdout or gold items, and the answer records whether it was taken (${dbLabel(kind)})`, async () => {
    const db = database.db;
    const { services, project, annotators: [ann], leads: [lead] } = await buildProject(db, { n: 12, annotators: 1, leads: 1 });
    const predictions = await applyPredictions(db, project.id);
    const [pool, holdout, gold] = [predictions[0], predictions[10], predictions[11]];
    await db.update(items).set({ split: 'holdout' }).where(eq(items.id, holdout.itemId));
    await db.update(items).set({ referenceLabel: 'cat' }).where(eq(items.id, gold.itemId));

    // Off by default.
    expect(await services.labels.prelabel(ann, project.id, pool.itemId)).toEqual({ prelabel: null, source: null });
    // A lead turns it on through the settings (an annotator may not).
    await expect(services.projects.updateSettings(ann, project.id, { suggestions: true })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await services.projects.updateSettings(lead, project.id, { suggestions: true })).toMatchObject({ suggestions: true });
    // Gold items are dealt only where the project deals gold: make it so, beside the suggestions.
    await db.update(projects).set({ settings: { suggestions: true, queue: { goldShare: 0.1 } } }).where(eq(projects.id, project.id));

    expect(await services.labels.prelabel(ann, project.id, pool.itemId)).toEqual({
      prelabel: { task: 'classification', label: pool.label }, source: 'model', confidence: expect.closeTo(pool.confidence, 5),
    });
    expect(await services.labels.prelabel(ann, project.id, holdout.itemId)).toEqual({ prelabel: null, source: null });
    expect(await services.labels.prelabel(ann, project.id, gold.itemId)).toEqual({ prelabel: null, source: null });

    // Taken with Enter: the answer is the suggested class, and its edit record says so.
    const [lease] = await services.queue.claim(ann, project.id, 1);
    const offered = (await services.labels.prelabel(ann, project.id, lease.itemId));
    const suggested = (offered.prelabel as { label: string }).label;
    const edit = classEdit({ label: suggested, confidence: 0.5 }, suggested, 0.8);
    await expect(services.labels.submit(ann, project.id, { leaseId: lease.leaseId, itemId: lease.itemId, label: CLASSES.find((c) => c !== suggested)!, edit, clientKey: 'suggest-bad-1' }))
      .rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/accepted says true but the answer .* is not the suggested class/) });
    await services.labels.submit(ann, project.id, { leaseId: lease.leaseId, itemId: lease.itemId, label: suggested, edit, clientKey: 'suggest-ok-1' });
    const [stored] = await db.select({ edit: annotations.edit }).from(annotations).where(eq(annotations.itemId, lease.itemId));
    expect(stored.edit).toMatchObject({ prelabel: 'model', accepted: true, suggested });

    // Turned off again (null: back to the default).
    await services.projects.updateSettings(lead, project.id, { suggestions: null });
    expect(await services.labels.prelabel(ann, project.id, pool.itemId)).toEqual({ prelabel: null, source: null });
  });
});
