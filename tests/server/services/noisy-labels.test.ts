import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { upsertEmbeddings } from '../../../db/queries/embeddings';
import { itemFlags, items, rankings } from '../../../db/schema';
import { mulberry32 } from '../../../lib/random';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

const CLASSES = ['cat', 'dog', 'bird'];

/** Labels the model's neighbourhood contradicts reach the lead's review list, with the model's guess. */
describe.each(DATABASE_KINDS)('noisy labels (%s)', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it(`flags the one label its cluster contradicts, and a lead's fix takes it off the list for good (${dbLabel(kind)})`, async () => {
    const t = await buildProject(database.db, { n: 30, annotators: 1, leads: 1 });
    const ids = (await database.db.select({ id: items.id }).from(items).where(eq(items.projectId, t.project.id)).orderBy(items.id)).map((r) => r.id);
    const rng = mulberry32(3);
    await upsertEmbeddings(database.db, t.project.id, 'test:1', ids.map((itemId, i) => ({ itemId, vector: [0, 1, 2].map((f) => (f === i % 3 ? 10 : 0) + rng()) })));
    await database.db.insert(rankings).values({ projectId: t.project.id, strategy: 'margin', labelCount: 30, status: 'applied', embeddingSpace: 'test:1' });
    const truth = new Map(ids.map((id, i) => [id, CLASSES[i % 3]]));
    const wrong = ids[4];
    for (let k = 0; k < ids.length; k++) {
      const [l] = await t.services.queue.claim(t.annotators[0], t.project.id, 1);
      const label = l.itemId === wrong ? 'bird' : truth.get(l.itemId)!;
      await t.services.labels.submit(t.annotators[0], t.project.id, { leaseId: l.leaseId, itemId: l.itemId, label, clientKey: `noisy-${l.itemId}` });
    }
    expect(await t.services.consensus.flagNoisyLabels(t.project.id)).toBe(1);
    const { items: list } = await t.services.review.list(t.leads[0], t.project.id, 10);
    expect(list.map((x) => x.itemId)).toEqual([wrong]);
    expect(list[0].flags[0]).toMatchObject({ kind: 'noisy-label', reason: expect.stringContaining(`say ${truth.get(wrong)}`) });

    await t.services.review.decide(t.leads[0], t.project.id, wrong, { label: truth.get(wrong)!, reason: 'the model was right' });
    expect(await t.services.consensus.flagNoisyLabels(t.project.id)).toBe(0);
    expect(await database.db.select().from(itemFlags).where(and(eq(itemFlags.projectId, t.project.id), isNull(itemFlags.resolvedAt)))).toEqual([]);
  });
});
