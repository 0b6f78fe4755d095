import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { items, rankingEntries, trainingJobs, workerTokens } from '../../../db/schema';
import { enqueueJob } from '../../../db/queries/training-jobs';
import { POST as claim } from '../../../app/api/worker/v1/jobs/claim/route';
import { POST as heartbeat } from '../../../app/api/worker/v1/jobs/[jobId]/heartbeat/route';
import { POST as ranking } from '../../../app/api/worker/v1/jobs/[jobId]/ranking/route';
import { POST as complete } from '../../../app/api/worker/v1/jobs/[jobId]/complete/route';
import { POST as fail } from '../../../app/api/worker/v1/jobs/[jobId]/fail/route';
import { GET as media } from '../../../app/api/worker/v1/projects/[projectId]/media/route';
import { GET as itemPage } from '../../../app/api/worker/v1/projects/[projectId]/items/route';
import { GET as itemMedia } from '../../../app/api/worker/v1/items/[itemId]/media/route';
import { DATABASE_KINDS } from '../../fixtures/database';
import { openRouteRuntime, type RouteRuntime } from '../../fixtures/routes';

const LONE_HIGH = 'a\uD800b';
const LONE_LOW = '\uDC00';
const NUL = 'a\u0000b';

/**
 * Finding 6 of issue 15: what a trainer sends that Postgres cannot store
 * (a lone UTF-16 surrogate or NUL in text or jsonb, a number out of its
 * column's range) is a 400 naming the field, never a 500, and changes nothing.
 */
describe.each(DATABASE_KINDS)('worker input the database cannot store, on %s', (kind) => {
  let t: RouteRuntime;
  let jobId: number;
  let itemIds: number[];
  beforeEach(async () => {
    t = await openRouteRuntime(kind);
    await enqueueJob(t.database.db, t.project.id, 0);
    const worker = await t.services.training.authenticate(t.token);
    jobId = (await t.services.training.claim(worker, { worker: 'test:1', backends: [], protocol: 1 }))!.id;
    itemIds = (await t.database.db.select({ id: items.id }).from(items).where(eq(items.projectId, t.project.id))).map((r) => r.id);
  });
  afterEach(async () => { await t.close(); });

  const job = async () => (await t.database.db.select().from(trainingJobs).where(eq(trainingJobs.id, jobId)))[0];
  const entry = (itemId: number, over: Record<string, unknown> = {}) => ({ itemId, score: 0.5, predicted: 'cat', confidence: 0.5, ...over });

  it('refuses a heartbeat whose phase holds a lone surrogate or NUL, naming the field, and stores no progress', async () => {
    for (const phase of [LONE_HIGH, LONE_LOW, NUL]) {
      const r = await t.worker(heartbeat, { params: { jobId: String(jobId) }, body: { progress: { phase, done: 0, total: 1 } } });
      expect(r.status, JSON.stringify(phase)).toBe(400);
      expect(r.json.error.message).toMatch(/progress\.phase/);
    }
    expect((await job()).progress).toBeNull();
    const ok = await t.worker(heartbeat, { params: { jobId: String(jobId) }, body: { progress: { phase: 'training \u{1F600}', done: 1, total: 2 } } });
    expect(ok.status).toBe(200);
    expect((await job()).progress).toEqual({ phase: 'training \u{1F600}', done: 1, total: 2 });
  });

  it('refuses text fields that Postgres text cannot hold (claim, fail, complete)', async () => {
    await t.services.training.releaseWorker('test:1', 'reset');
    const claimed = await t.worker(claim, { body: { worker: NUL, backends: [], protocol: 1 } });
    expect(claimed.status).toBe(400);
    expect(claimed.json.error.message).toMatch(/worker/);
    expect((await job()).state).toBe('queued');
    const again = await t.worker(claim, { body: { worker: 'test:2', backends: [LONE_HIGH], protocol: 1 } });
    expect(again.status).toBe(400);
    const held = await t.worker(claim, { body: { worker: 'test:2', backends: [], protocol: 1 } });
    expect(held.status).toBe(200);
    jobId = held.json.job.id;

    const failed = await t.worker(fail, { params: { jobId: String(jobId) }, body: { reason: NUL } });
    expect(failed.status).toBe(400);
    expect(failed.json.error.message).toMatch(/reason/);
    const done = await t.worker(complete, { params: { jobId: String(jobId) }, body: { labelCount: 0, backend: 'x', model: LONE_HIGH, strategy: 'random', metrics: null, chunks: 0 } });
    expect(done.status).toBe(400);
    expect(done.json.error.message).toMatch(/model/);
    expect(await job()).toMatchObject({ state: 'running', worker: 'test:2' });
  });

  it('refuses ranking numbers out of float4 range (score 1e308), naming the entry, and stores nothing', async () => {
    for (const [over, field] of [[{ score: 1e308 }, 'score'], [{ score: -1e39 }, 'score'], [{ confidence: 1e-50, score: 1e40 }, 'score']] as const) {
      const r = await t.worker(ranking, { params: { jobId: String(jobId) }, body: { index: 0, total: 1, entries: [entry(itemIds[0]), entry(itemIds[1], over)] } });
      expect(r.status, JSON.stringify(over)).toBe(400);
      expect(r.json.error.message).toContain(`entries.1.${field}`);
    }
    expect(await t.database.db.select().from(rankingEntries)).toEqual([]);
  });

  it('stores numbers too small for float4 as the float4 they round to, rather than failing the upload', async () => {
    const r = await t.worker(ranking, { params: { jobId: String(jobId) }, body: { index: 0, total: 1, entries: [entry(itemIds[0], { score: 1e-50, confidence: 1e-50, uncertainty: 1e-60 })] } });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const [row] = await t.database.db.select().from(rankingEntries);
    expect(row).toMatchObject({ score: 0, confidence: 0, uncertainty: 0 });
  });

  it('refuses a label count beyond its integer column', async () => {
    const r = await t.worker(complete, { params: { jobId: String(jobId) }, body: { labelCount: 3_000_000_000, backend: 'x', model: 'm', strategy: 'random', metrics: null, chunks: 0 } });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/labelCount/);
    expect((await job()).state).toBe('running');
  });

  it('refuses media ids out of range or not in canonical decimal', async () => {
    // (The builder's items have no media files: only ids the project lacks are asked for here.)
    const ok = await t.worker(media, { params: { projectId: String(t.project.id) }, query: '?ids=987654,9007199254740991' });
    expect(ok.status).toBe(200);
    expect(ok.json.missing).toEqual([987654, 9007199254740991]);
    for (const ids of ['111111111111111111111111111111', '9007199254740993', '1e3', '0x10', '01', '1.0', '%201', '1,,2', ' 1', '-1', '0']) {
      const r = await t.worker(media, { params: { projectId: String(t.project.id) }, query: `?ids=${ids}` });
      expect(r.status, ids).toBe(400);
      expect(r.json.error.message, ids).toMatch(/ids/);
    }
  });

  it('refuses paging and path ids that are not canonical decimal', async () => {
    for (const q of ['?after=1e3', '?after=0x10', '?after=-1', '?limit=1.5', '?limit=%2010', '?after=99999999999999999999']) {
      const r = await t.worker(itemPage, { params: { projectId: String(t.project.id) }, query: q });
      expect(r.status, q).toBe(400);
    }
    expect((await t.worker(itemPage, { params: { projectId: String(t.project.id) }, query: '?after=0&limit=2' })).status).toBe(200);
    for (const id of ['1.0', ' 1', '0x10', '1e0', '+1', '01', '0', '']) {
      expect((await t.worker(itemPage, { params: { projectId: id } })).status, `project ${id}`).toBe(400);
      expect((await t.worker(heartbeat, { params: { jobId: id }, body: {} })).status, `job ${id}`).toBe(400);
      expect((await t.worker(itemMedia, { params: { itemId: id } })).status, `item ${id}`).toBe(400);
    }
    // Each id within its column: projects are `serial` (integer), jobs and items `bigserial` read as JS numbers.
    expect((await t.worker(itemPage, { params: { projectId: '2147483648' } })).status).toBe(400);
    expect((await t.worker(itemPage, { params: { projectId: '2147483647' } })).status).toBe(200);
    expect((await t.worker(heartbeat, { params: { jobId: '3000000000' }, body: {} })).status).toBe(404);
    expect((await t.worker(itemMedia, { params: { itemId: '9007199254740992' } })).status).toBe(400);
  });

  it('still answers 401 for a revoked token, before reading anything', async () => {
    await t.database.db.update(workerTokens).set({ revokedAt: new Date() });
    const r = await t.worker(heartbeat, { params: { jobId: String(jobId) }, body: { progress: { phase: NUL, done: 0, total: 1 } } });
    expect(r.status).toBe(401);
  });
});
