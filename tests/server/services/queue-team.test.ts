import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Database, Db } from '../../../db/client';
import { findDoubleLeases } from '../../../db/queries/leases';
import { upsertEmbeddings } from '../../../db/queries/embeddings';
import { assignPositions, insertModelVersion, markApplied, replaceChunkEntries, supersedeApplied } from '../../../db/queries/rankings';
import { items, leases, projects, rankings } from '../../../db/schema';
import { mulberry32 } from '../../../lib/random';
import type { Principal } from '../../../server/services/access';
import type { Services } from '../../../server/services';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

const CLASSES = ['cat', 'dog', 'bird'];

/** Marks the last `count` items of the project as holdout, spread over `groups` groups. */
async function makeHoldout(db: Db, projectId: number, count: number, groups: number) {
  const rows = await db.select({ id: items.id }).from(items).where(eq(items.projectId, projectId)).orderBy(items.id);
  const ids = rows.slice(rows.length - count).map((r) => r.id);
  for (let k = 0; k < ids.length; k++) await db.update(items).set({ split: 'holdout', groupKey: `g${k % groups}` }).where(eq(items.id, ids[k]));
  return ids;
}

async function setSettings(db: Db, projectId: number, settings: Record<string, unknown>) {
  await db.update(projects).set({ settings }).where(eq(projects.id, projectId));
}

/**
 * A ranking applied the way the worker endpoints apply one (chunk, positions, model version,
 * applied), with embeddings in its space: items in 4 clusters, the predicted class by cluster.
 * Written behind the services' back, so the caller tells the queue (`poolChanged`), as the
 * training service does when it applies one.
 */
async function applyRanking(db: Db, projectId: number, labelCount: number, seed = 1, model: { strategy?: string; metrics?: Record<string, unknown> } = {}) {
  const strategy = model.strategy ?? 'margin';
  const rng = mulberry32(seed);
  const pool = await db.select({ id: items.id }).from(items).where(sql`${items.projectId} = ${projectId} and ${items.split} = 'pool'`).orderBy(items.id);
  const all = await db.select({ id: items.id }).from(items).where(eq(items.projectId, projectId)).orderBy(items.id);
  const space = `test:${seed}`;
  await upsertEmbeddings(db, projectId, space, all.map((r, k) => ({ itemId: r.id, vector: [(k % 4) * 10 + rng(), Math.floor((k % 4) / 2) * 10 + rng(), rng(), rng()] })));
  const [r] = await db.insert(rankings).values({ projectId, strategy, labelCount, status: 'receiving', embeddingSpace: space }).returning();
  await replaceChunkEntries(db, r.id, 0, pool.map((x, k) => ({ itemId: x.id, score: rng(), predicted: CLASSES[k % 3], confidence: 0.4 + 0.6 * rng() })));
  await assignPositions(db, r.id);
  const v = await insertModelVersion(db, { projectId, labelCount, backend: 'test', metrics: model.metrics });
  await supersedeApplied(db, projectId);
  await markApplied(db, r.id, v.id, strategy, labelCount);
  return r.id;
}

let keys = 0;
async function label(services: Services, a: Principal, projectId: number, lease: { leaseId: number; itemId: number }, cls: string) {
  return services.labels.submit(a, projectId, { leaseId: lease.leaseId, itemId: lease.itemId, label: cls, clientKey: `key-${++keys}-${lease.leaseId}` });
}

/** One annotator labels `count` cold items, every class in turn, so that the model behind the next ranking is trusted. */
async function warmUp(services: Services, a: Principal, projectId: number, count: number) {
  for (let k = 0; k < count; k++) {
    const [l] = await services.queue.claim(a, projectId, 1);
    await label(services, a, projectId, l, CLASSES[k % 3]);
  }
}

describe.each(DATABASE_KINDS)('team queue %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it(`5 annotators labeling at once: no item held twice outside overlap and gold, stream shares near the settings, overlap items reach k annotators (${dbLabel(kind)})`, async () => {
    const db = database.db;
    const { services, project, annotators } = await buildProject(db, { n: 360, annotators: 5 });
    await makeHoldout(db, project.id, 60, 12);
    await setSettings(db, project.id, { strategy: 'margin', queue: { easyShare: 0.2, overlapShare: 0.1, overlapK: 2, holdoutShare: 0.1 } });
    await warmUp(services, annotators[0], project.id, 21);
    const rankingId = await applyRanking(db, project.id, 21);
    services.queue.poolChanged(project.id);

    const dealt: { stream: string; user: number; itemId: number }[] = [];
    for (let round = 0; round < 24; round++) {
      await Promise.all(annotators.map(async (a, k) => {
        const res = await services.queue.claimBatch(a, project.id, 2);
        expect(res.queue.state).toBe('open');
        await label(services, a, project.id, res.leases[0], CLASSES[(round + k) % 3]);
      }));
      expect(await findDoubleLeases(db)).toEqual([]);
    }
    const rows = await db.select({ stream: leases.stream, user: leases.userId, itemId: leases.itemId, rankingId: leases.rankingId, detail: leases.detail, state: leases.state })
      .from(leases).where(eq(leases.projectId, project.id));
    for (const r of rows) if (r.rankingId === rankingId) dealt.push({ stream: r.stream, user: r.user, itemId: r.itemId });
    expect(dealt.length).toBeGreaterThanOrEqual(5 * 24);
    const share = (s: string) => dealt.filter((d) => d.stream === s).length / dealt.length;
    expect(share('easy')).toBeGreaterThan(0.12);
    expect(share('easy')).toBeLessThan(0.28);
    expect(share('overlap')).toBeGreaterThan(0.04);
    expect(share('overlap')).toBeLessThan(0.16);
    expect(share('holdout')).toBeGreaterThan(0.04);
    expect(share('holdout')).toBeLessThan(0.16);
    expect(share('uncertain')).toBeGreaterThan(0.4);
    // Every dealt lease records its whole stream.
    for (const r of rows.filter((x) => x.rankingId === rankingId)) expect(r.detail).toMatchObject({ kind: r.stream });
    // An overlap item that was labeled again has labels from k = 2 different annotators.
    const overlapDone = rows.filter((r) => r.stream === 'overlap' && r.state === 'completed').map((r) => r.itemId);
    expect(overlapDone.length).toBeGreaterThan(0);
    for (const itemId of overlapDone) {
      const res = await db.execute(sql`select count(distinct user_id)::int as n from annotations where item_id = ${itemId} and action = 'label'`);
      expect((res as unknown as { rows: { n: number }[] }).rows[0].n).toBeGreaterThanOrEqual(2);
    }
  });

  it(`with auto, deals cold or uncertain as the trainer recorded the model's phase, and by the counts when it recorded none (${dbLabel(kind)})`, async () => {
    const db = database.db;
    const { services, project, annotators } = await buildProject(db, { n: 120, annotators: 1 });
    const [a] = annotators;
    await setSettings(db, project.id, { strategy: 'auto', queue: { easyShare: 0, overlapShare: 0, holdoutShare: 0 } });
    await warmUp(services, a, project.id, 21);
    const streamsUnder = async (metrics: Record<string, unknown> | undefined, seed: number) => {
      await applyRanking(db, project.id, 21, seed, { strategy: 'auto', metrics });
      services.queue.poolChanged(project.id);
      const res = await services.queue.claimBatch(a, project.id, 3);
      const streams = new Set(res.leases.map((l) => l.stream));
      for (const l of res.leases) await services.queue.skip(a, project.id, l.leaseId);
      return streams;
    };
    // 21 labels over every class: the counts alone would trust it, but the trainer measured the model and did not.
    expect(await streamsUnder({ accuracy: 0.5, autoPhase: 'cold-start', labeledAccuracy: 0.6 }, 2)).toEqual(new Set(['cold']));
    expect(await streamsUnder({ accuracy: 0.9, autoPhase: 'spaced-margin', labeledAccuracy: 0.95 }, 3)).toEqual(new Set(['uncertain']));
    // An older trainer (no phase recorded): the counts decide.
    expect(await streamsUnder(undefined, 4)).toEqual(new Set(['uncertain']));
  });

  it('never deals beyond the project budget: labels plus open leases stay within it, and the labels end exactly at it', async () => {
    const db = database.db;
    const { services, project, annotators } = await buildProject(db, { n: 60, annotators: 5 });
    const B = 13;
    await setSettings(db, project.id, { queue: { holdoutShare: 0 }, budget: { projectBudget: B } });
    const states = new Set<string>();
    for (let round = 0; round < 8; round++) {
      await Promise.all(annotators.map(async (a, k) => {
        const res = await services.queue.claimBatch(a, project.id, 2);
        states.add(res.queue.state);
        if (res.leases[0]) await label(services, a, project.id, res.leases[0], CLASSES[(round + k) % 3]);
      }));
      const res = await db.execute(sql`select
        (select count(*) from annotations where project_id = ${project.id} and action = 'label')::int as labels,
        (select count(*) from leases where project_id = ${project.id} and state = 'active')::int as open`);
      const { labels, open } = (res as unknown as { rows: { labels: number; open: number }[] }).rows[0];
      expect(labels + open).toBeLessThanOrEqual(B);
    }
    // Whatever is still held gets labeled; then nothing more is dealt.
    for (const a of annotators) {
      for (const l of await services.queue.claim(a, project.id, 2)) await label(services, a, project.id, l, 'cat');
    }
    const res = await db.execute(sql`select count(*)::int as n from annotations where project_id = ${project.id} and action = 'label'`);
    expect((res as unknown as { rows: { n: number }[] }).rows[0].n).toBe(B);
    const after = await services.queue.claimBatch(annotators[0], project.id, 2);
    expect(after.leases).toEqual([]);
    expect(after.queue.state).toBe('budget');
    expect(after.queue.message).toMatch(/budget/);
    expect(states.has('budget')).toBe(true);
  });

  it('deals a pinned item first, boosts ahead of the ranking, and never deals an excluded item', async () => {
    const db = database.db;
    const { services, project, annotators, leads } = await buildProject(db, { n: 40, annotators: 2, leads: 1 });
    await setSettings(db, project.id, { queue: { holdoutShare: 0, easyShare: 0 } });
    const ids = (await db.select({ id: items.id }).from(items).where(eq(items.projectId, project.id)).orderBy(items.id)).map((r) => r.id);
    const excluded = ids.slice(0, 5);
    await services.queueControls.controlItems(leads[0], project.id, { action: 'exclude', itemIds: excluded });
    await services.queueControls.controlItems(leads[0], project.id, { action: 'pin', itemIds: [ids[30]] });
    const [first] = await services.queue.claim(annotators[1], project.id, 1);
    expect(first.itemId).toBe(ids[30]);
    expect(first.stream).toBe('pinned');
    await label(services, annotators[1], project.id, first, 'cat');

    // Boost: with a trusted ranking, the boosted item is the next uncertain one whatever its score.
    await warmUp(services, annotators[0], project.id, 21);
    await applyRanking(db, project.id, 21, 3);
    services.queue.poolChanged(project.id);
    const worst = await db.execute(sql`select e.item_id from ranking_entries e join rankings r on r.id = e.ranking_id
      join items i on i.id = e.item_id where r.project_id = ${project.id} and r.status = 'applied' and i.status = 'open'
        and i.id not in (${sql.join(excluded.map((id) => sql`${id}`), sql`, `)})
      order by e.position desc limit 1`);
    const boostedId = Number((worst as unknown as { rows: { item_id: number }[] }).rows[0].item_id);
    await services.queueControls.controlItems(leads[0], project.id, { action: 'boost', itemIds: [boostedId] });
    const [b] = await services.queue.claim(annotators[1], project.id, 1);
    expect(b.itemId).toBe(boostedId);
    expect(b.stream).toBe('uncertain');

    // Drain the pool: an excluded item never comes.
    const seen: number[] = [b.itemId];
    await label(services, annotators[1], project.id, b, 'dog');
    for (let k = 0; k < 60; k++) {
      const res = await services.queue.claimBatch(annotators[k % 2], project.id, 1);
      if (res.leases.length === 0) {
        expect(res.queue.state).toBe('empty');
        continue;
      }
      seen.push(res.leases[0].itemId);
      await label(services, annotators[k % 2], project.id, res.leases[0], 'bird');
    }
    for (const id of excluded) expect(seen).not.toContain(id);
    const left = await db.execute(sql`select count(*)::int as n from items where project_id = ${project.id} and status = 'open'`);
    expect((left as unknown as { rows: { n: number }[] }).rows[0].n).toBe(excluded.length);
  });

  it('deals nothing new while paused, keeping what the annotator holds', async () => {
    const db = database.db;
    const { services, project, annotators } = await buildProject(db, { n: 20 });
    const held = await services.queue.claim(annotators[0], project.id, 1);
    await db.update(projects).set({ paused: true }).where(eq(projects.id, project.id));
    const res = await services.queue.claimBatch(annotators[0], project.id, 3);
    expect(res.leases.map((l) => l.leaseId)).toEqual(held.map((l) => l.leaseId));
    expect(res.queue).toMatchObject({ state: 'paused' });
    expect(res.queue.message).toMatch(/paused/);
    expect((await services.queue.claimBatch(annotators[1], project.id, 3)).leases).toEqual([]);
  });

  it('after a met target deals holdout items only (whenMet holdout-only), or nothing (whenMet stop)', async () => {
    const db = database.db;
    const { services, project, annotators } = await buildProject(db, { n: 40 });
    const holdout = await makeHoldout(db, project.id, 10, 5);
    const stopped = { reason: 'metric', message: 'accuracy reached 0.95.', at: new Date().toISOString() };
    await db.update(projects).set({ stopped, settings: { stopping: { whenMet: 'holdout-only' } } }).where(eq(projects.id, project.id));
    const res = await services.queue.claimBatch(annotators[0], project.id, 4);
    expect(res.leases).toHaveLength(4);
    for (const l of res.leases) {
      expect(holdout).toContain(l.itemId);
      expect(l.stream).toBe('holdout');
    }
    expect(res.queue.state).toBe('stopped');

    await db.update(projects).set({ settings: { stopping: { whenMet: 'stop' } } }).where(eq(projects.id, project.id));
    const none = await services.queue.claimBatch(annotators[1], project.id, 4);
    expect(none.leases).toEqual([]);
    expect(none.queue).toEqual({ state: 'stopped', message: 'accuracy reached 0.95.' });
  });

  it('mixes gold items in without ever telling the annotator', async () => {
    const db = database.db;
    const { services, project, annotators } = await buildProject(db, { n: 30, annotators: 3 });
    const ids = (await db.select({ id: items.id }).from(items).where(eq(items.projectId, project.id)).orderBy(items.id)).map((r) => r.id);
    for (const id of ids.slice(0, 8)) await db.update(items).set({ referenceLabel: 'cat' }).where(eq(items.id, id));
    await setSettings(db, project.id, { queue: { goldShare: 0.4, holdoutShare: 0, easyShare: 0 } });
    const shown: string[] = [];
    for (const a of annotators) {
      for (let k = 0; k < 4; k++) {
        const res = await services.queue.claimBatch(a, project.id, 2);
        shown.push(...res.leases.map((l) => l.stream));
        await label(services, a, project.id, res.leases[0], 'cat');
      }
    }
    expect(shown).not.toContain('gold');
    const gold = await db.select({ user: leases.userId, itemId: leases.itemId }).from(leases).where(sql`${leases.projectId} = ${project.id} and ${leases.stream} = 'gold'`);
    expect(gold.length).toBeGreaterThan(3);
    // Gold items go to several annotators (each answer is checked against the known one).
    expect(new Set(gold.map((g) => g.user)).size).toBeGreaterThan(1);
    expect(await findDoubleLeases(db)).toEqual([]);
  });

  it('release gives back every lease but the kept ones, and a colleague gets those items', async () => {
    const db = database.db;
    const { services, project, annotators } = await buildProject(db, { n: 3 });
    const held = await services.queue.claim(annotators[0], project.id, 3);
    expect(held).toHaveLength(3);
    expect(await services.queue.claim(annotators[1], project.id, 2)).toEqual([]);
    expect(await services.queue.release(annotators[0], project.id, [held[0].leaseId])).toEqual({ released: 2 });
    const got = await services.queue.claim(annotators[1], project.id, 2);
    expect(got.map((l) => l.itemId).sort()).toEqual([held[1].itemId, held[2].itemId].sort());
    const mine = await services.queue.claim(annotators[0], project.id, 3);
    expect(mine.map((l) => l.leaseId)).toEqual([held[0].leaseId]);
  });
});
