import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { items, leases, projects } from '../../../db/schema';
import type { Principal } from '../../../server/services/access';
import type { Services } from '../../../server/services';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

let keys = 0;
async function claimAndLabel(services: Services, a: Principal, projectId: number, cls: string) {
  const [l] = await services.queue.claim(a, projectId, 1);
  await services.labels.submit(a, projectId, { leaseId: l.leaseId, itemId: l.itemId, label: cls, clientKey: `tb-${++keys}` });
  return l.itemId;
}

/** Every slot overlap where overlap has a candidate, nothing else mixed in: what the tie-break deals is all that is dealt. */
const OVERLAP_ONLY = { easyShare: 0, holdoutShare: 0, overlapShare: 1, overlapK: 2 };

describe.each(DATABASE_KINDS)('the tie-break on a disagreement %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it(`deals an overlap item whose two answers disagree to a third annotator before a lead (${dbLabel(kind)})`, async () => {
    const db = database.db;
    const { services, project, annotators: [a, b, c] } = await buildProject(db, { n: 12, annotators: 3 });
    await db.update(projects).set({ settings: { queue: { ...OVERLAP_ONLY, tieBreak: 1 } } }).where(eq(projects.id, project.id));
    const item = await claimAndLabel(services, a, project.id, 'cat');
    // b gets the same item as overlap (one label of k = 2) and disagrees.
    expect(await claimAndLabel(services, b, project.id, 'dog')).toBe(item);
    const [row] = await db.select({ status: items.status }).from(items).where(eq(items.id, item));
    expect(row.status).toBe('disputed');

    const [third] = await services.queue.claim(c, project.id, 1);
    expect(third.itemId).toBe(item);
    const [lease] = await db.select({ stream: leases.stream, detail: leases.detail }).from(leases).where(eq(leases.id, third.leaseId));
    expect(lease).toEqual({ stream: 'overlap', detail: { kind: 'overlap', targetK: 3, labelsBefore: 2 } });
  });

  it('leaves a disagreement to the lead when the tie-break is 0, and never deals an item a lead sent back', async () => {
    const db = database.db;
    const { services, project, annotators: [a, b, c], leads: [lead] } = await buildProject(db, { n: 12, annotators: 3, leads: 1 });
    await db.update(projects).set({ settings: { queue: { ...OVERLAP_ONLY, tieBreak: 0 } } }).where(eq(projects.id, project.id));
    const item = await claimAndLabel(services, a, project.id, 'cat');
    expect(await claimAndLabel(services, b, project.id, 'dog')).toBe(item);
    const [other] = await services.queue.claim(c, project.id, 1);
    expect(other.itemId).not.toBe(item);

    // With a tie-break, but sent back by the lead: the lead decides it, not a third annotator.
    await db.update(projects).set({ settings: { queue: { ...OVERLAP_ONLY, tieBreak: 1 } } }).where(eq(projects.id, project.id));
    await services.review.sendBack(lead, project.id, { userId: b.userId, count: 1 });
    await services.queue.skip(c, project.id, other.leaseId);
    const [next] = await services.queue.claim(c, project.id, 1);
    expect(next.itemId).not.toBe(item);
  });
});
