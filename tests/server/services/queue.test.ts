import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client';
import { findDoubleLeases } from '../../../db/queries/leases';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';
import { createClaimsFirst, type ClaimsFirst } from '../../../server/services/claims-first';
import { createQueueService } from '../../../server/services/queue';

describe.each(DATABASE_KINDS)('lease service %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it(`deals no item to two annotators, even when they claim at once (${dbLabel(kind)})`, async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 40, annotators: 6 });
    const rounds = await Promise.all(annotators.flatMap((a) => [
      services.queue.claim(a, project.id, 3), services.queue.claim(a, project.id, 3),
    ]));
    const byUser = new Map<number, Set<number>>();
    rounds.forEach((leases, i) => {
      const user = annotators[Math.floor(i / 2)].userId;
      const set = byUser.get(user) ?? new Set();
      for (const l of leases) set.add(l.itemId);
      byUser.set(user, set);
    });
    const all = [...byUser.values()].flatMap((s) => [...s]);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(18);
    expect(await findDoubleLeases(database.db)).toEqual([]);
  });

  it('counts a claim as in flight from its access check on, so a view build waits for a refused claim too', async () => {
    const { project, annotators, outsider } = await buildProject(database.db, { n: 10 });
    const gate = createClaimsFirst({ maxWaitMs: 0 });
    const entered: number[] = [];
    const watched: ClaimsFirst = { ...gate, around: (claim) => gate.around(() => { entered.push(gate.inFlight()); return claim(); }) };
    const queue = createQueueService(database.db, { leaseSeconds: 600, first: watched });
    await expect(queue.claimBatch(outsider, project.id, 3)).rejects.toThrow();
    expect(entered).toEqual([1]);
    expect(gate.inFlight()).toBe(0);
    // A member's claim: its access check, then its deal and commit.
    expect((await queue.claimBatch(annotators[0], project.id, 3)).leases).toHaveLength(3);
    expect(entered).toEqual([1, 1, 1]);
    expect(gate.inFlight()).toBe(0);
  });

  it('gives an annotator back the items they already hold instead of new ones', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 10 });
    const first = await services.queue.claim(annotators[0], project.id, 2);
    const again = await services.queue.claim(annotators[0], project.id, 2);
    expect(again.map((l) => l.leaseId)).toEqual(first.map((l) => l.leaseId));
  });

  it('returns an expired lease to the pool for the next claim', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 1, leaseSeconds: 10 });
    const [held] = await services.queue.claim(annotators[0], project.id, 1);
    expect(await services.queue.claim(annotators[1], project.id, 1)).toEqual([]);
    await database.db.execute(`update leases set expires_at = now() - interval '1 second' where id = ${held.leaseId}` as never);
    const [taken] = await services.queue.claim(annotators[1], project.id, 1);
    expect(taken.itemId).toBe(held.itemId);
  });

  it('does not deal a skipped item back to the annotator who skipped it', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 2 });
    const [a] = await services.queue.claim(annotators[0], project.id, 1);
    await services.queue.skip(annotators[0], project.id, a.leaseId);
    const [b] = await services.queue.claim(annotators[0], project.id, 1);
    expect(b.itemId).not.toBe(a.itemId);
    const [c] = await services.queue.claim(annotators[1], project.id, 1);
    expect(c.itemId).toBe(a.itemId);
  });

  it('refuses claims from users outside the project with not_found', async () => {
    const { services, project, outsider } = await buildProject(database.db, { n: 2 });
    await expect(services.queue.claim(outsider, project.id, 1)).rejects.toMatchObject({ code: 'not_found' });
  });
});
