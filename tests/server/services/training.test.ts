import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client';
import { items, leases, projects, rankingEntries } from '../../../db/schema';
import { eq } from 'drizzle-orm';
import { createTrainingService, DEFAULT_TRAINING } from '../../../server/services/training';
import { SYSTEM } from '../../../server/services/access';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

describe.each(DATABASE_KINDS)('training jobs and rankings on %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  /** A project whose annotator labeled `labeled` items, a training service with a controllable clock, and a worker token. */
  async function setup(opts: { n: number; labeled: number; retrainEvery?: number; strategy?: string }) {
    const built = await buildProject(database.db, { n: opts.n });
    if (opts.strategy) await database.db.update(projects).set({ settings: { ...built.project.settings, strategy: opts.strategy } }).where(eq(projects.id, built.project.id));
    let clock = Date.now();
    // Reporting to the services' lifecycle, as createServices wires its own: an applied ranking is dealt from at once.
    const training = createTrainingService(database.db, {
      ...DEFAULT_TRAINING, retrainEvery: opts.retrainEvery ?? 5, now: () => new Date(clock), hooks: built.services.lifecycle.hooks,
    });
    const me = built.annotators[0];
    for (let i = 0; i < opts.labeled; i++) {
      const [l] = await built.services.queue.claim(me, built.project.id, 1);
      await built.services.labels.submit(me, built.project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'cat', clientKey: `train-key-${i}` });
    }
    const { token } = await training.tokens.create(SYSTEM, 'test worker', null);
    const worker = await training.authenticate(token);
    return { ...built, training, worker, token, advance: (s: number) => { clock += s * 1000; } };
  }

  async function rankAll(s: Awaited<ReturnType<typeof setup>>, jobId: number, score: (itemId: number) => number, chunkSize = 7) {
    const all = await database.db.select({ id: items.id }).from(items).where(eq(items.projectId, s.project.id));
    const entries = all.map((r) => ({ itemId: r.id, score: score(r.id), predicted: 'dog', confidence: 0.5 }));
    const total = Math.ceil(entries.length / chunkSize);
    for (let c = 0; c < total; c++) {
      await s.training.uploadChunk(s.worker, jobId, { index: c, total, entries: entries.slice(c * chunkSize, (c + 1) * chunkSize) });
    }
    return total;
  }

  const metrics = { accuracy: 0.5, macroF1: 0.4, logLoss: 1.2, ece: 0.1, holdoutSize: 3 };

  it('queues a retrain once enough new labels arrived, one open job per project', async () => {
    // margin reads the model's probabilities: no ranking before labels.
    const s = await setup({ n: 30, labeled: 4, strategy: 'margin' });
    expect(await s.training.maybeEnqueue(s.project.id)).toBe(false);
    const [l] = await s.services.queue.claim(s.annotators[0], s.project.id, 1);
    await s.services.labels.submit(s.annotators[0], s.project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'dog', clientKey: 'fifth-key' });
    expect(await s.training.maybeEnqueue(s.project.id)).toBe(true);
    expect(await s.training.maybeEnqueue(s.project.id)).toBe(false);
  });

  it('queues the first ranking before any label when the strategy picks from the embeddings alone (auto, the default), and says the batch size', async () => {
    const s = await setup({ n: 30, labeled: 0 });
    expect(await s.training.maybeEnqueue(s.project.id)).toBe(true);
    const job = await s.training.claim(s.worker, { worker: 'a', backends: [], protocol: 1 });
    expect(job).toMatchObject({ labelCount: 0, strategy: 'auto', batchSize: 10 });
    // Only the first: after it, labels call for the next one as before.
    await s.training.complete(s.worker, job!.id, { labelCount: 0, backend: 'test', model: 'm', strategy: 'auto', metrics: null, chunks: await rankAll(s, job!.id, () => 0.5) });
    expect(await s.training.maybeEnqueue(s.project.id)).toBe(false);
  });

  it('lets only one of two workers claim a job, and re-queues it when the claim expires', async () => {
    const s = await setup({ n: 20, labeled: 5 });
    await s.training.maybeEnqueue(s.project.id);
    const [a, b] = await Promise.all([s.training.claim(s.worker, { worker: 'a', backends: [], protocol: 1 }), s.training.claim(s.worker, { worker: 'b', backends: [], protocol: 1 })]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const job = (a ?? b)!;
    expect(job).toMatchObject({ labelCount: 5, classes: ['cat', 'dog', 'bird'], attempt: 1 });
    s.advance(DEFAULT_TRAINING.jobLeaseSeconds + 1);
    await expect(s.training.heartbeat(s.worker, job.id)).rejects.toMatchObject({ code: 'lease_expired' });
    const again = await s.training.claim(s.worker, { worker: 'c', backends: [], protocol: 1 });
    expect(again).toMatchObject({ id: job.id, attempt: 2 });
  });

  it('re-queues the job of a supervised trainer that exited at once, and fails a job that used up its attempts', async () => {
    const s = await setup({ n: 20, labeled: 5 });
    await s.training.maybeEnqueue(s.project.id);
    const claim = (worker: string) => s.training.claim(s.worker, { worker, backends: [], protocol: 1 });
    const first = (await claim('host:101'))!;
    expect(await s.training.releaseWorker('host:999', 'someone else exited')).toBe(0);
    expect(await s.training.releaseWorker('host:101', 'trainer process exited (SIGKILL)')).toBe(1);
    expect(await claim('host:102')).toMatchObject({ id: first.id, attempt: 2 });
    s.advance(DEFAULT_TRAINING.jobLeaseSeconds + 1);
    expect(await claim('host:103')).toMatchObject({ id: first.id, attempt: 3 });
    s.advance(DEFAULT_TRAINING.jobLeaseSeconds + 1);
    // The third claim lapsed too: the job is failed for good, with every reason kept for admins.
    expect(await claim('host:104')).toBeNull();
    const status = await s.training.status(SYSTEM, s.project.id);
    expect(status.job).toMatchObject({ id: first.id, state: 'failed', attempts: 3 });
    expect(status.job!.error).toMatch(/SIGKILL.*claim expired/);
  });

  it('applies a complete ranking atomically, and the queue deals by it', async () => {
    const s = await setup({ n: 25, labeled: 5 });
    await s.training.maybeEnqueue(s.project.id);
    const job = (await s.training.claim(s.worker, { worker: 'w', backends: [], protocol: 1 }))!;
    const total = await rankAll(s, job.id, (id) => id); // highest id first
    const done = await s.training.complete(s.worker, job.id, { labelCount: 5, backend: 'test', model: 'fixed', strategy: 'margin', metrics, chunks: total });
    expect(done.entries).toBe(25);
    const status = await s.training.status(SYSTEM, s.project.id);
    expect(status).toMatchObject({ labels: 5, ranking: { behind: 0, strategy: 'margin' }, model: { backend: 'test', metrics }, job: { state: 'done' } });
    // Only the ranking's own stream here (no easy items mixed in), so the deal follows the ranking's order.
    await database.db.update(projects).set({ settings: { queue: { easyShare: 0 } } }).where(eq(projects.id, s.project.id));
    const leases = await s.services.queue.claim(s.annotators[1], s.project.id, 3);
    const open = (await database.db.select({ id: items.id, status: items.status }).from(items)).filter((r) => r.status === 'open').map((r) => r.id).sort((x, y) => y - x);
    expect(leases.map((l) => l.itemId)).toEqual(open.slice(0, 3));
    expect(leases.every((l) => l.stream === 'uncertain')).toBe(true);
  });

  it('records the ranking\'s lead, and auto deals it in pick order while it does not trust the model, each annotator the next free picks', async () => {
    const s = await setup({ n: 40, labeled: 0 });
    await database.db.update(projects).set({ settings: { queue: { holdoutShare: 0 } } }).where(eq(projects.id, s.project.id));
    await s.training.maybeEnqueue(s.project.id);
    const job = (await s.training.claim(s.worker, { worker: 'w', backends: [], protocol: 1 }))!;
    const all = (await database.db.select({ id: items.id }).from(items).where(eq(items.projectId, s.project.id))).map((r) => r.id).sort((a, b) => a - b);
    // The trainer's picks: every third item, in this order; the rest after them.
    const picks = all.filter((_, i) => i % 3 === 0).slice(0, 5).reverse();
    const order = [...picks, ...all.filter((id) => !picks.includes(id))];
    const entries = order.map((itemId, i) => ({ itemId, score: 1 - i / order.length }));
    await s.training.uploadChunk(s.worker, job.id, { index: 0, total: 1, entries });
    await expect(s.training.complete(s.worker, job.id, { labelCount: 0, backend: 'test', model: 'm', strategy: 'auto', metrics: null, chunks: 1, lead: 41 }))
      .rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/lead 41 is more than the 40 ranking entries/) });
    await s.training.complete(s.worker, job.id, { labelCount: 0, backend: 'test', model: 'm', strategy: 'auto', metrics: null, chunks: 1, lead: picks.length });

    const first = await s.services.queue.claim(s.annotators[0], s.project.id, 3);
    expect(first.map((l) => l.itemId)).toEqual(picks.slice(0, 3));
    // The next annotator gets the picks no one holds, then the server's own cold stream.
    const second = await s.services.queue.claim(s.annotators[1], s.project.id, 3);
    expect(second.map((l) => l.itemId).slice(0, 2)).toEqual(picks.slice(3));
    expect(picks).not.toContain(second[2].itemId);
    const rows = await database.db.select({ itemId: leases.itemId, detail: leases.detail }).from(leases).where(eq(leases.projectId, s.project.id));
    const method = new Map(rows.map((r) => [r.itemId, r.detail?.method]));
    expect([...first, ...second].map((l) => method.get(l.itemId))).toEqual(['picked', 'picked', 'picked', 'picked', 'picked', 'random']);
  });

  it('stores each entry\'s uncertainty, and the status shows it for the next items and as a histogram over the open ones', async () => {
    const s = await setup({ n: 20, labeled: 5 });
    await s.training.maybeEnqueue(s.project.id);
    const job = (await s.training.claim(s.worker, { worker: 'w', backends: ['tfjs-wasm', 'onnxruntime-node'], protocol: 1 }))!;
    const all = (await database.db.select({ id: items.id, status: items.status }).from(items).where(eq(items.projectId, s.project.id))).sort((a, b) => a.id - b.id);
    // Bin edges (0.7 is 0.69999999 as a real), both ends, and two entries from a trainer that sends none.
    const values = [0, 0.05, 0.1, 0.7, 0.7, 0.95, 1, undefined, undefined, 0.5];
    const uncertaintyOf = (i: number) => values[i % values.length];
    const entries = all.map((r, i) => ({ itemId: r.id, score: 100 - i, predicted: 'dog', confidence: 0.5, ...(uncertaintyOf(i) === undefined ? {} : { uncertainty: uncertaintyOf(i) }) }));
    await s.training.uploadChunk(s.worker, job.id, { index: 0, total: 2, entries: entries.slice(0, 10) });
    await s.training.uploadChunk(s.worker, job.id, { index: 1, total: 2, entries: entries.slice(10) });
    await s.training.complete(s.worker, job.id, { labelCount: 5, backend: 'test', model: 'm', strategy: 'margin', metrics, chunks: 2 });

    const stored = await database.db.select({ itemId: rankingEntries.itemId, uncertainty: rankingEntries.uncertainty }).from(rankingEntries);
    expect(new Map(stored.map((r) => [r.itemId, r.uncertainty]))).toEqual(new Map(all.map((r, i) => [r.id, uncertaintyOf(i) ?? null])));

    const status = await s.training.status(SYSTEM, s.project.id);
    const expected = { bins: new Array(10).fill(0), unknown: 0 };
    all.forEach((r, i) => {
      if (r.status !== 'open') return;
      const u = uncertaintyOf(i);
      if (u === undefined) expected.unknown++;
      else expected.bins[Math.min(9, Math.floor(Math.round(u * 100) / 10))]++;
    });
    expect(expected.bins.reduce((a, b) => a + b, 0) + expected.unknown).toBe(15); // the 15 open items, the 5 labeled left out
    expect(status.uncertainty).toEqual(expected);
    const index = new Map(all.map((r, i) => [r.id, i]));
    expect(status.next.length).toBeGreaterThan(0);
    for (const n of status.next) expect(n.uncertainty).toBe(uncertaintyOf(index.get(n.itemId)!) ?? null);
  });

  it('refuses to complete with a chunk missing, and changes nothing', async () => {
    const s = await setup({ n: 20, labeled: 5 });
    await s.training.maybeEnqueue(s.project.id);
    const job = (await s.training.claim(s.worker, { worker: 'w', backends: [], protocol: 1 }))!;
    const total = await rankAll(s, job.id, (id) => id);
    await expect(s.training.complete(s.worker, job.id, { labelCount: 5, backend: 'test', model: 'm', strategy: 'margin', metrics, chunks: total + 1 }))
      .rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/chunks arrived/) });
    expect((await s.training.status(SYSTEM, s.project.id)).ranking).toBeNull();
    const leases = await s.services.queue.claim(s.annotators[1], s.project.id, 1);
    expect(leases[0].stream).toBe('cold');
  });

  it('refuses uploads naming items of another project, an item twice, or an unknown class', async () => {
    const s = await setup({ n: 10, labeled: 5 });
    await s.training.maybeEnqueue(s.project.id);
    const job = (await s.training.claim(s.worker, { worker: 'w', backends: [], protocol: 1 }))!;
    const entry = { itemId: 1, score: 1, predicted: 'cat', confidence: 0.9 };
    await expect(s.training.uploadChunk(s.worker, job.id, { index: 0, total: 1, entries: [{ ...entry, itemId: 999999 }] }))
      .rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/not in project.*999999/) });
    await expect(s.training.uploadChunk(s.worker, job.id, { index: 0, total: 1, entries: [entry, entry] }))
      .rejects.toMatchObject({ message: expect.stringMatching(/twice/) });
    await expect(s.training.uploadChunk(s.worker, job.id, { index: 0, total: 1, entries: [{ ...entry, predicted: 'horse' }] }))
      .rejects.toMatchObject({ message: expect.stringMatching(/not a class/) });
    await expect(s.training.complete(s.worker, job.id, { labelCount: 5, backend: 't', model: 'm', strategy: 's', metrics: null, chunks: 1 }))
      .rejects.toMatchObject({ message: expect.stringMatching(/no uploaded ranking/) });
    expect(await database.db.select().from(rankingEntries)).toEqual([]);
    expect((await s.training.status(SYSTEM, s.project.id)).uncertainty).toBeNull();
  });

  it('spreads holdout items through a ranking instead of leaving them last', async () => {
    const s = await setup({ n: 40, labeled: 5 });
    await database.db.update(items).set({ split: 'holdout' }).where(eq(items.projectId, s.project.id));
    const pool = await database.db.select({ id: items.id }).from(items).limit(20);
    for (const r of pool) await database.db.update(items).set({ split: 'pool' }).where(eq(items.id, r.id));
    await s.training.maybeEnqueue(s.project.id);
    const job = (await s.training.claim(s.worker, { worker: 'w', backends: [], protocol: 1 }))!;
    const entries = pool.map((r, i) => ({ itemId: r.id, score: -i, predicted: 'cat', confidence: 0.5 }));
    await s.training.uploadChunk(s.worker, job.id, { index: 0, total: 1, entries });
    await s.training.complete(s.worker, job.id, { labelCount: 5, backend: 't', model: 'm', strategy: 's', metrics: null, chunks: 1 });
    // 1 in 4 holdout (no easy items): a batch of 8 holds 2 holdout items between ranked ones.
    await database.db.update(projects).set({ settings: { queue: { easyShare: 0, holdoutShare: 0.25 } } }).where(eq(projects.id, s.project.id));
    const dealt = await s.services.queue.claim(s.annotators[1], s.project.id, 8);
    const streams = new Set(dealt.map((l) => l.stream));
    expect(streams).toEqual(new Set(['uncertain', 'holdout']));
  });

  it('refuses a revoked token and keeps a scoped token to its projects', async () => {
    const s = await setup({ n: 5, labeled: 0 });
    const { id, token } = await s.training.tokens.create(SYSTEM, 'short-lived', [s.project.id + 1]);
    const scoped = await s.training.authenticate(token);
    await expect(s.training.items(scoped, s.project.id, 0, 10)).rejects.toMatchObject({ code: 'forbidden' });
    await s.training.tokens.revoke(SYSTEM, id);
    await expect(s.training.authenticate(token)).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(s.training.authenticate('tdw_made-up')).rejects.toMatchObject({ code: 'unauthenticated' });
    expect((await s.training.tokens.list(SYSTEM)).map((t) => t.name)).toEqual(['test worker', 'short-lived']);
  });

  it('pages items and standing labels for a trainer', async () => {
    const s = await setup({ n: 12, labeled: 5 });
    const first = await s.training.items(s.worker, s.project.id, 0, 5);
    expect(first.items).toHaveLength(5);
    const second = await s.training.items(s.worker, s.project.id, first.next!, 100);
    expect(second).toMatchObject({ next: null });
    expect(second.items).toHaveLength(7);
    const labels = await s.training.labels(s.worker, s.project.id, 0, 100);
    expect(labels.labels).toHaveLength(5);
    expect(labels.labels.every((l) => l.label === 'cat')).toBe(true);
  });
});
