import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { loadEmbeddings, upsertEmbeddings } from '../../../db/queries/embeddings';
import { bridgeCandidates, loadPoolItems, loadRankingEntries } from '../../../db/queries/queue-state';
import { items, rankingEntries, rankings } from '../../../db/schema';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

/** The whole-pool reads the pool view is built from, read in pages so other requests run between them. */
describe.each(DATABASE_KINDS)('whole-pool reads %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it('read every item, ranking entry and vector once, in order, whatever the page size', async () => {
    const db = database.db;
    const { project } = await buildProject(db, { n: 23 });
    const ids = (await db.select({ id: items.id }).from(items).orderBy(items.id)).map((r) => r.id);
    await db.update(items).set({ split: 'holdout', groupKey: 'g7' }).where(sql`${items.id} = ${ids[7]}`);
    const [r] = await db.insert(rankings).values({ projectId: project.id, strategy: 'margin', labelCount: 0, status: 'applied' }).returning();
    // Ties in position: the (position, item) order still reads each entry once.
    await db.insert(rankingEntries).values(ids.map((itemId, k) => ({ rankingId: r.id, itemId, position: Math.floor(k / 2), score: 1 - k / 100, chunk: 0 })));
    await upsertEmbeddings(db, project.id, 's', ids.map((itemId, k) => ({ itemId, vector: [k, -k] })));

    for (const page of [1, 4, 23, 100]) {
      const pool = await loadPoolItems(db, project.id, { page });
      expect(pool.map((x) => x.id)).toEqual(ids);
      expect(pool.filter((x) => x.holdout).map((x) => [x.id, x.groupKey])).toEqual([[ids[7], 'g7']]);
      const entries = await loadRankingEntries(db, r.id, { page });
      expect(entries.map((e) => e.itemId)).toEqual(ids);
      const vectors = await loadEmbeddings(db, project.id, 's', { page });
      expect(vectors.map((v) => [v.itemId, Array.from(v.vector)])).toEqual(ids.map((id, k) => [id, [k, -k]]));
    }
  });

  it('wait for what the caller asks before each page', async () => {
    const db = database.db;
    const { project } = await buildProject(db, { n: 5 });
    const [r] = await db.insert(rankings).values({ projectId: project.id, strategy: 'margin', labelCount: 0, status: 'applied' }).returning();
    const ids = (await db.select({ id: items.id }).from(items).orderBy(items.id)).map((x) => x.id);
    await db.insert(rankingEntries).values(ids.map((itemId, k) => ({ rankingId: r.id, itemId, position: k, score: 1, chunk: 0 })));
    await upsertEmbeddings(db, project.id, 's', ids.map((itemId) => ({ itemId, vector: [1] })));
    let waits = 0;
    const before = async () => { waits++; };
    // Five rows in pages of two: three pages, each waited for.
    await loadPoolItems(db, project.id, { page: 2, before });
    expect(waits).toBe(3);
    await loadRankingEntries(db, r.id, { page: 2, before });
    expect(waits).toBe(6);
    await loadEmbeddings(db, project.id, 's', { page: 2, before });
    expect(waits).toBe(9);
  });

  it('offer the bridge open learn-split items from a seeded point, wrapping round, each once', async () => {
    const db = database.db;
    const { project, annotators } = await buildProject(db, { n: 10 });
    const ids = (await db.select({ id: items.id }).from(items).orderBy(items.id)).map((r) => r.id);
    await db.update(items).set({ split: 'holdout' }).where(sql`${items.id} = ${ids[6]}`);
    await db.update(items).set({ status: 'resolved' }).where(sql`${items.id} = ${ids[8]}`);
    const got = await bridgeCandidates(db, project.id, annotators[0].userId, { rankingId: null, limit: 10, startAt: 0.5, skipGold: false });
    // From about halfway along the ids (the fifth of ten), past the holdout and the answered item, then from the start.
    expect(got.map((c) => c.itemId)).toEqual([ids[4], ids[5], ids[7], ids[9], ids[0], ids[1], ids[2], ids[3]]);
  });
});
