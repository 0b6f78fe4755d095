import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { items, leases, projects, queueControls } from '../../../db/schema';
import { insertModelVersion } from '../../../db/queries/rankings';
import { createQueueControlService, type QueueEvent } from '../../../server/services/queue-controls';
import { createTrainingService, DEFAULT_TRAINING } from '../../../server/services/training';
import { SYSTEM, type Principal } from '../../../server/services/access';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

describe.each(DATABASE_KINDS)('lead and admin queue controls on %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  /** A project with annotators and a lead, the control service with its events recorded, and direct lease and label helpers. */
  async function setup(n = 20) {
    const built = await buildProject(database.db, { n, annotators: 2, leads: 1 });
    const events: QueueEvent[] = [];
    const qc = createQueueControlService(database.db, { hooks: { onQueueChanged: (_pid, e) => events.push(e) } });
    const id = built.project.id;
    const itemIds = (await database.db.select({ id: items.id }).from(items).where(eq(items.projectId, id)).orderBy(items.id)).map((r) => r.id);
    /** An active lease, inserted as the dealer would (the dealer itself is tested in queue*.test.ts). */
    const hold = async (who: Principal, itemId: number, stream = 'uncertain') => {
      const [l] = await database.db.insert(leases).values({ projectId: id, itemId, userId: who.userId, stream, expiresAt: new Date(Date.now() + 600_000) }).returning();
      return l;
    };
    let keys = 0;
    const label = async (who: Principal, itemId: number) => {
      const l = await hold(who, itemId);
      await built.services.labels.submit(who, id, { leaseId: l.id, itemId, label: 'cat', clientKey: `qc-key-${keys++}` });
    };
    const settings = async () => (await database.db.select({ s: projects.settings }).from(projects).where(eq(projects.id, id)))[0].s;
    return { ...built, id, qc, events, itemIds, hold, label, settings, lead: built.leads[0], ann: built.annotators[0] };
  }

  it('lets a lead change the queue settings live: strategy into the training settings, the rest into queue, defaults filled', async () => {
    const s = await setup();
    const view = await s.qc.patch(s.lead, s.id, { settings: { easyShare: 0.5, batchSize: 5, strategy: 'margin' } });
    expect(view.settings).toMatchObject({ easyShare: 0.5, batchSize: 5, strategy: 'margin', overlapK: 2, holdoutShare: 0.1 });
    expect(await s.settings()).toEqual({ strategy: 'margin', queue: { easyShare: 0.5, batchSize: 5 } });
    await s.qc.patch(s.lead, s.id, { settings: { overlapShare: 0.2, overlapK: 3 } });
    expect(await s.settings()).toEqual({ strategy: 'margin', queue: { easyShare: 0.5, batchSize: 5, overlapShare: 0.2, overlapK: 3 } });
    expect(s.events).toEqual([{ event: 'settings-changed', changed: ['settings'] }, { event: 'settings-changed', changed: ['settings'] }]);
  });

  it('refuses bad control input with a bad_request that names the problem, and changes nothing', async () => {
    const s = await setup();
    await s.qc.patch(SYSTEM, s.id, { settings: { easyShare: 0.3 }, budget: { projectBudget: 100 }, stopping: { metric: { atLeast: 0.9 } } });
    const before = await s.settings();
    const cases: [unknown, RegExp][] = [
      [{ settings: { easyShare: 1.5 } }, /easyShare.*at most 1/],
      [{ settings: { easyShare: -0.1 } }, /easyShare.*negative/],
      [{ settings: { easyShare: 0.6, overlapShare: 0.5 } }, /together they must be at most 1/],
      [{ settings: { holdoutShare: 0.8 } }, /together they must be at most 1/],
      [{ settings: { strategy: 'telepathy' } }, /unknown strategy/],
      [{ settings: { batchSize: 0 } }, /batch size must be at least 1/],
      [{ budget: { projectBudget: -5 } }, /budget cannot be negative/],
      [{ budget: { perAnnotatorBudget: 2.5 } }, /whole number/],
      [{ stopping: { metric: { atLeast: 1.5 } } }, /metric target is at most 1/],
      [{ stopping: { plateau: { delta: 0.01, versions: 0 } } }, /versions must be at least 1/],
      [{ stopping: { whenMet: 'panic' } }, /whenMet/],
      [{ settings: { easyShare: 0.1 }, budget: { projectBudget: -1 } }, /negative/],
      [{}, /give settings, budget or stopping/],
      [{ colour: 'red' }, /colour/],
    ];
    for (const [body, message] of cases) {
      const err = await s.qc.patch(SYSTEM, s.id, body as never).then(() => null, (e: unknown) => e);
      expect(err, JSON.stringify(body)).toMatchObject({ code: 'bad_request' });
      expect((err as Error).message, JSON.stringify(body)).toMatch(message);
    }
    expect(await s.settings()).toEqual(before);
  });

  it('keeps budgets and stopping targets to admins, settings to leads and admins, and hides the project from outsiders', async () => {
    const s = await setup();
    await expect(s.qc.patch(s.ann, s.id, { settings: { easyShare: 0.1 } })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.qc.patch(s.lead, s.id, { budget: { projectBudget: 10 } })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.qc.patch(s.lead, s.id, { stopping: { metric: { atLeast: 0.9 } } })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.qc.patch(s.outsider, s.id, { settings: { easyShare: 0.1 } })).rejects.toMatchObject({ code: 'not_found' });
    await expect(s.qc.overview(s.ann, s.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.qc.pause(s.ann, s.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.qc.controlItems(s.ann, s.id, { action: 'pin', itemIds: [s.itemIds[0]] })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.qc.resume(s.lead, s.id, { clearStop: true })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await s.settings()).toEqual({});
    const view = await s.qc.patch(SYSTEM, s.id, { budget: { projectBudget: 10 }, stopping: { plateau: { delta: 0.01, versions: 3 } } });
    expect(view.budget).toMatchObject({ projectBudget: 10, perAnnotatorBudget: null, used: 0, open: 0, remaining: 10 });
    expect(view.stopping).toEqual({ plateau: { delta: 0.01, versions: 3 }, whenMet: 'stop' });
    await s.qc.patch(SYSTEM, s.id, { budget: { perAnnotatorBudget: 4 }, stopping: null });
    expect(await s.settings()).toEqual({ budget: { projectBudget: 10, perAnnotatorBudget: 4 } });
  });

  it('pins, boosts, excludes and clears items, and refuses items of another project naming them', async () => {
    const s = await setup();
    const other = await s.services.projects.create(SYSTEM, { slug: 'other', classes: ['a', 'b'] });
    const [foreign] = await database.db.insert(items).values({
      projectId: other.id, media: 'y/0.png', mediaType: 'image/png', contentHash: 'other-0', sourceName: '0.png', groupKey: '0', split: 'pool', dealKey: 0.5,
    }).returning();
    const [a, b, c] = s.itemIds;
    expect(await s.qc.controlItems(s.lead, s.id, { action: 'pin', itemIds: [a, a] })).toMatchObject({ changed: 1 });
    await s.qc.controlItems(s.lead, s.id, { action: 'boost', itemIds: [b] });
    await s.qc.controlItems(s.lead, s.id, { action: 'exclude', itemIds: [c] });
    await s.qc.controlItems(s.lead, s.id, { action: 'boost', itemIds: [a] });
    const controls = async () => (await database.db.select().from(queueControls).where(eq(queueControls.projectId, s.id))).map((r) => [r.itemId, r.action]).sort();
    expect(await controls()).toEqual([[a, 'boost'], [b, 'boost'], [c, 'exclude']].sort());
    await expect(s.qc.controlItems(s.lead, s.id, { action: 'exclude', itemIds: [a, foreign.id, 99_999_999] }))
      .rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(new RegExp(`${foreign.id}.*99999999|99999999.*${foreign.id}`)) });
    await expect(s.qc.controlItems(s.lead, s.id, { action: 'shuffle', itemIds: [a] } as never)).rejects.toMatchObject({ code: 'bad_request' });
    expect(await controls()).toEqual([[a, 'boost'], [b, 'boost'], [c, 'exclude']].sort());
    await s.qc.controlItems(s.lead, s.id, { action: 'clear', itemIds: [a, c] });
    expect(await controls()).toEqual([[b, 'boost']]);
    expect((await s.qc.overview(s.lead, s.id)).controls.counts).toEqual({ pin: 0, boost: 1, exclude: 0 });
    expect(s.events.filter((e) => e.event === 'controls-changed')).toHaveLength(5);
  });

  it('excludes a held item: its holder loses the lease and is told, and the item stays excluded', async () => {
    const s = await setup();
    const [a, b] = s.itemIds;
    const la = await s.hold(s.ann, a);
    const lb = await s.hold(s.annotators[1], b);
    const r = await s.qc.controlItems(s.lead, s.id, { action: 'exclude', itemIds: [a] });
    expect(r.released).toEqual([{ leaseId: la.id, itemId: a, userId: s.ann.userId }]);
    const states = Object.fromEntries((await database.db.select().from(leases).where(eq(leases.projectId, s.id))).map((l) => [l.id, l.state]));
    expect(states).toMatchObject({ [la.id]: 'released', [lb.id]: 'active' });
    const [ctl] = await database.db.select().from(queueControls).where(and(eq(queueControls.projectId, s.id), eq(queueControls.itemId, a)));
    expect(ctl.action).toBe('exclude');
    expect(s.events).toContainEqual({ event: 'lease-released', leaseId: la.id, itemId: a, userId: s.ann.userId });
  });

  it('re-queues an item: its holder loses the lease, the item is pinned, and the holder is told', async () => {
    const s = await setup();
    const [a] = s.itemIds;
    const l = await s.hold(s.ann, a);
    const r = await s.qc.controlItems(s.lead, s.id, { action: 'requeue', itemIds: [a] });
    expect(r.released).toEqual([{ leaseId: l.id, itemId: a, userId: s.ann.userId }]);
    const [after] = await database.db.select().from(leases).where(eq(leases.id, l.id));
    expect(after.state).toBe('released');
    const [ctl] = await database.db.select().from(queueControls).where(and(eq(queueControls.projectId, s.id), eq(queueControls.itemId, a)));
    expect(ctl.action).toBe('pin');
    expect(s.events).toContainEqual({ event: 'lease-released', leaseId: l.id, itemId: a, userId: s.ann.userId });
  });

  it('shows who holds what, gold included, and lets a lead release a lease once', async () => {
    const s = await setup();
    const [a, b, c] = s.itemIds;
    const la = await s.hold(s.ann, a);
    await s.hold(s.ann, b, 'gold');
    await s.hold(s.annotators[1], c);
    const { holders } = await s.qc.holds(s.lead, s.id);
    expect(holders.map((h) => [h.userId, h.leases.map((l) => [l.itemId, l.stream])])).toEqual([
      [s.ann.userId, [[a, 'uncertain'], [b, 'gold']]],
      [s.annotators[1].userId, [[c, 'uncertain']]],
    ]);
    await expect(s.qc.holds(s.ann, s.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.qc.releaseLease(s.ann, s.id, la.id)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await s.qc.releaseLease(s.lead, s.id, la.id)).toEqual({ released: { leaseId: la.id, itemId: a, userId: s.ann.userId } });
    expect(s.events).toEqual([{ event: 'lease-released', leaseId: la.id, itemId: a, userId: s.ann.userId }]);
    await expect(s.qc.releaseLease(s.lead, s.id, la.id)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/released/) });
    await expect(s.qc.releaseLease(s.lead, s.id, 99_999_999)).rejects.toMatchObject({ code: 'not_found' });
    expect((await s.qc.holds(s.lead, s.id)).holders[0].leases.map((l) => l.itemId)).toEqual([b]);
  });

  it('pauses and resumes, and only an admin lifts a stop', async () => {
    const s = await setup();
    await s.qc.pause(s.lead, s.id);
    expect(await s.qc.overview(s.lead, s.id)).toMatchObject({ paused: true, state: 'paused' });
    await s.qc.resume(s.lead, s.id);
    expect(await s.qc.overview(s.lead, s.id)).toMatchObject({ paused: false, state: 'open' });
    await database.db.update(projects).set({ stopped: { reason: 'target', message: 'm', at: new Date().toISOString() } }).where(eq(projects.id, s.id));
    await s.qc.resume(s.lead, s.id);
    expect((await s.qc.overview(s.lead, s.id)).stopped).toMatchObject({ reason: 'target' });
    await s.qc.resume(SYSTEM, s.id, { clearStop: true });
    expect(await s.qc.overview(s.lead, s.id)).toMatchObject({ stopped: null, state: 'open' });
    expect(s.events.map((e) => e.event)).toEqual(['paused', 'resumed', 'resumed', 'resumed']);
  });

  it('stops the project when a model version reaches the metric target, through the training service', async () => {
    const s = await setup();
    const decisions: Promise<unknown>[] = [];
    const training = createTrainingService(database.db, { ...DEFAULT_TRAINING, retrainEvery: 2, hooks: { onModelVersion: (pid, mv) => decisions.push(s.qc.evaluateStop(pid, mv)) } });
    await s.qc.patch(SYSTEM, s.id, { stopping: { metric: { atLeast: 0.9 } } });
    const { token } = await training.tokens.create(SYSTEM, 'w', null);
    const worker = await training.authenticate(token);
    const round = async (accuracy: number) => {
      for (const itemId of s.itemIds.filter((_, i) => i >= 2 * decisions.length && i < 2 * decisions.length + 2)) await s.label(s.ann, itemId);
      expect(await training.maybeEnqueue(s.id)).toBe(true);
      const job = (await training.claim(worker, { worker: 'w', backends: [], protocol: 1 }))!;
      const done = await training.complete(worker, job.id, {
        labelCount: job.labelCount, backend: 'test', model: 'm', strategy: 'margin', chunks: 0,
        metrics: { accuracy, macroF1: accuracy, logLoss: 0.5, ece: 0.05, holdoutSize: 10 },
      });
      await decisions[decisions.length - 1];
      return done.modelVersionId;
    };
    await round(0.6);
    expect((await s.qc.overview(s.lead, s.id)).stopped).toBeNull();
    const mv = await round(0.93);
    const view = await s.qc.overview(s.lead, s.id);
    expect(view.stopped).toMatchObject({ reason: 'target', modelVersionId: mv, message: expect.stringMatching(/0\.93 reached the target 0\.9/) });
    expect(view.state).toBe('stopped');
    expect(view.projection).toEqual({ kind: 'reached' });
    expect(s.events.filter((e) => e.event === 'stopped')).toEqual([{ event: 'stopped', reason: 'target', message: expect.any(String) }]);
  });

  it('stops on a plateau of the holdout metric, once enough versions show it, and projects the labels still needed before', async () => {
    const s = await setup();
    await s.qc.patch(SYSTEM, s.id, { stopping: { metric: { atLeast: 0.99 }, plateau: { delta: 0.01, versions: 2 } } });
    const curve: [number, number][] = [[10, 0.5], [20, 0.7], [40, 0.8], [80, 0.85], [160, 0.855], [320, 0.857]];
    for (const [i, [labels, accuracy]] of curve.entries()) {
      const v = await insertModelVersion(database.db, { projectId: s.id, labelCount: labels, backend: 'test', metrics: { accuracy } });
      const decision = await s.qc.evaluateStop(s.id, v.id);
      if (i < 5) expect(decision, `after ${labels} labels`).toMatchObject({ stop: false });
      if (i === 3) expect((await s.qc.overview(s.lead, s.id)).projection).toMatchObject({ kind: expect.stringMatching(/projected|unreachable/) });
    }
    const view = await s.qc.overview(s.lead, s.id);
    expect(view.stopped).toMatchObject({ reason: 'plateau', message: expect.stringMatching(/less than 0\.01/) });
    // Stopped once: a later version does not announce it again.
    const v = await insertModelVersion(database.db, { projectId: s.id, labelCount: 400, backend: 'test', metrics: { accuracy: 0.858 } });
    expect(await s.qc.evaluateStop(s.id, v.id)).toBeNull();
    expect(s.events.filter((e) => e.event === 'stopped')).toHaveLength(1);
  });

  it('stops the project when the project budget is spent, counting human labels only', async () => {
    const s = await setup();
    await s.qc.patch(SYSTEM, s.id, { budget: { projectBudget: 3 } });
    await s.label(s.ann, s.itemIds[0]);
    await s.label(s.annotators[1], s.itemIds[1]);
    expect(await s.qc.checkBudget(s.id)).toBe(false);
    const held = await s.hold(s.ann, s.itemIds[2]);
    expect((await s.qc.overview(s.lead, s.id)).budget).toMatchObject({ used: 2, open: 1, remaining: 0 });
    expect((await s.qc.overview(s.lead, s.id)).state).toBe('budget');
    // An open lease counts against dealing, but the project stops only when the labels are in.
    expect(await s.qc.checkBudget(s.id)).toBe(false);
    await s.services.labels.submit(s.ann, s.id, { leaseId: held.id, itemId: s.itemIds[2], label: 'dog', clientKey: 'qc-last-label' });
    expect(await s.qc.checkBudget(s.id)).toBe(true);
    expect((await s.qc.overview(s.lead, s.id)).stopped).toMatchObject({ reason: 'budget', message: expect.stringMatching(/3 of 3/) });
    expect(s.events.at(-1)).toEqual({ event: 'stopped', reason: 'budget', message: expect.any(String) });
    // An admin lifts the stop and raises the budget; a lowered budget stops it again at once.
    await s.qc.resume(SYSTEM, s.id, { clearStop: true });
    await s.qc.patch(SYSTEM, s.id, { budget: { projectBudget: 10 } });
    expect((await s.qc.overview(s.lead, s.id)).stopped).toBeNull();
    await s.qc.patch(SYSTEM, s.id, { budget: { projectBudget: 2 } });
    expect((await s.qc.overview(s.lead, s.id)).stopped).toMatchObject({ reason: 'budget' });
  });
});
