import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Database, Db } from '../../../db/client';
import { findDoubleLeases } from '../../../db/queries/leases';
import { items, leases, projects, queueControls } from '../../../db/schema';
import { createQueueService, type ClaimTiming } from '../../../server/services/queue';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { applyRanking, buildProject } from '../../fixtures/builders';

/**
 * A queue over a pool it calls large (bridgeAbove: 1) whose view build is held until `release`:
 * what the first claims after a start get while a million-item view is still being read.
 */
function heldQueue(db: Db) {
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const queue = createQueueService(db, { leaseSeconds: 600, views: { bridgeAbove: 1, beforeBuild: () => gate } });
  return { queue, release };
}

describe.each(DATABASE_KINDS)('the first claims while a large pool view builds %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it(`deal the applied ranking's best open items at once, none to two annotators, never holdout (${dbLabel(kind)})`, async () => {
    const db = database.db;
    const { project, annotators } = await buildProject(db, { n: 60, annotators: 4 });
    const first = (await db.select({ id: items.id }).from(items).where(eq(items.projectId, project.id)).orderBy(items.id).limit(5)).map((r) => r.id);
    // The five best-ranked items would be the first ones; two are holdout, so they are not in the ranking's pool part.
    await db.update(items).set({ split: 'holdout' }).where(sql`${items.id} in (${first[0]}, ${first[1]})`);
    const { rankingId, best } = await applyRanking(db, project.id);
    const { queue, release } = heldQueue(db);

    const timings = annotators.map(() => ({} as ClaimTiming));
    const batches = await Promise.all(annotators.map((a, i) => queue.claimBatch(a, project.id, 3, timings[i])));
    const dealt = batches.flatMap((b) => b.leases.map((l) => l.itemId));
    expect(batches.every((b) => b.queue.state === 'open' && b.leases.length === 3)).toBe(true);
    // A bridged claim says so in its timing (a client tells the build's seconds from the steady state by it).
    expect(timings.every((t) => t.bridge !== undefined && t.deal === undefined)).toBe(true);
    expect(new Set(dealt).size).toBe(12);
    expect(dealt.every((id) => best.slice(0, 20).includes(id))).toBe(true);
    expect(dealt).not.toContain(first[0]);
    expect(dealt).not.toContain(first[1]);
    const rows = await db.select({ stream: leases.stream, rankingId: leases.rankingId, score: leases.score }).from(leases).where(eq(leases.projectId, project.id));
    expect(rows.every((r) => r.stream === 'uncertain' && r.rankingId === rankingId && r.score !== null)).toBe(true);
    expect(await findDoubleLeases(db)).toEqual([]);

    // The view, once built, deals from then on: the same annotator keeps what they hold.
    release();
    // Claims once the build is done no longer say `bridge`.
    await expect.poll(async () => {
      const t: ClaimTiming = {};
      await queue.claimBatch(annotators[0], project.id, 3, t);
      return t.bridge === undefined && t.access !== undefined;
    }, { timeout: 20_000 }).toBe(true);
    const again = await queue.claimBatch(annotators[0], project.id, 3);
    expect(again.leases.map((l) => l.itemId).sort()).toEqual(batches[0].leases.map((l) => l.itemId).sort());
  });

  it('never bridges an item the annotator skipped or a lead excluded', async () => {
    const db = database.db;
    const { services, project, annotators, leads } = await buildProject(db, { n: 30, annotators: 1, leads: 1 });
    const { best } = await applyRanking(db, project.id);
    // Skipped through the ordinary queue, excluded by a lead: then a "restart" (a new queue whose view is held).
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    expect(l.itemId).toBe(best[0]);
    await services.queue.skip(annotators[0], project.id, l.leaseId);
    await db.insert(queueControls).values({ projectId: project.id, itemId: best[1], action: 'exclude', userId: leads[0].userId });
    const { queue } = heldQueue(db);
    const { leases: got } = await queue.claimBatch(annotators[0], project.id, 2);
    expect(got.map((x) => x.itemId)).toEqual([best[2], best[3]]);
  });

  it(`keeps to the annotator's label budget (${dbLabel(kind)})`, async () => {
    const db = database.db;
    const { project, annotators } = await buildProject(db, { n: 30, annotators: 1 });
    await applyRanking(db, project.id);
    await db.update(projects).set({ settings: { budget: { perAnnotatorBudget: 2 } } }).where(eq(projects.id, project.id));
    const { queue } = heldQueue(db);
    const { leases: got } = await queue.claimBatch(annotators[0], project.id, 3);
    expect(got).toHaveLength(2);
    const more = await queue.claimBatch(annotators[0], project.id, 3);
    expect(more.leases).toHaveLength(2);
  });

  it('before any ranking, deals a seeded run of open items as cold picks', async () => {
    const db = database.db;
    const { project, annotators } = await buildProject(db, { n: 40, annotators: 2 });
    const { queue } = heldQueue(db);
    const [a, b] = await Promise.all(annotators.map((x) => queue.claimBatch(x, project.id, 4)));
    const ids = [...a.leases, ...b.leases].map((l) => l.itemId);
    expect(new Set(ids).size).toBe(8);
    const rows = await db.select({ stream: leases.stream, detail: leases.detail }).from(leases).where(eq(leases.projectId, project.id));
    expect(rows.every((r) => r.stream === 'cold' && (r.detail as { method?: string }).method === 'random')).toBe(true);
  });

  it('answers a paused project at once with what the annotator holds, dealing nothing', async () => {
    const db = database.db;
    const { services, project, annotators } = await buildProject(db, { n: 30, annotators: 1 });
    const held = await services.queue.claim(annotators[0], project.id, 2);
    await db.update(projects).set({ paused: true }).where(eq(projects.id, project.id));
    const { queue } = heldQueue(db);
    const r = await queue.claimBatch(annotators[0], project.id, 4);
    expect(r.queue.state).toBe('paused');
    expect(r.leases.map((l) => l.leaseId)).toEqual(held.map((l) => l.leaseId));
  });
});
