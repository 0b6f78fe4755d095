import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client';
import { listCurrentLabels } from '../../../db/queries/annotations';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';
import { createClaimsFirst } from '../../../server/services/claims-first';
import { createLabelService } from '../../../server/services/labels';
import { createProgressCounts } from '../../../server/services/progress-counts';
import { SYSTEM } from '../../../server/services/access';
import { recordMessages } from '../../fixtures/database-messages';

describe.each(DATABASE_KINDS)('label service on %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it('commits a label, ends the lease and counts it as mine and everyone\'s', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 5 });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    const r = await services.labels.submit(annotators[0], project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'cat', clientKey: 'key-000001' });
    expect(r.duplicate).toBe(false);
    expect(await services.labels.progress(annotators[0], project.id)).toMatchObject({ mine: 1, labeled: 1, total: 5 });
    const next = await services.queue.claim(annotators[0], project.id, 1);
    expect(next[0].itemId).not.toBe(l.itemId);
  });

  it('counts a label in flight, so a pool view build pauses for it as for a claim', async () => {
    const { project, annotators, services } = await buildProject(database.db, { n: 5 });
    const first = createClaimsFirst({ maxWaitMs: 10_000 });
    const labels = createLabelService(database.db, { leaseSeconds: 600, counts: createProgressCounts(database.db), first });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    const submitted = labels.submit(annotators[0], project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'cat', clientKey: 'key-first-1' });
    expect(first.inFlight()).toBe(1);
    // A build's next page goes once the label is through: nothing is in flight when it does.
    const page = first.pause().then(() => first.inFlight());
    expect(await page).toBe(0);
    expect((await submitted).duplicate).toBe(false);
  });

  it('stores a retried submit (same client key) once', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 5 });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    const body = { leaseId: l.leaseId, itemId: l.itemId, label: 'dog', clientKey: 'retry-key-1' };
    const [a, b] = await Promise.all([services.labels.submit(annotators[0], project.id, body), services.labels.submit(annotators[0], project.id, body)]);
    expect(a.annotationId).toBe(b.annotationId);
    expect((await listCurrentLabels(database.db, project.id)).length).toBe(1);
  });

  it('keeps a client key with quotes, backslashes, dollar quotes and unicode exactly as sent, and knows a retry by it', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 2 });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    const clientKey = "it's \\ $$ ünï ✓'); drop table annotations; --";
    const body = { leaseId: l.leaseId, itemId: l.itemId, label: 'dog', clientKey };
    const first = await services.labels.submit(annotators[0], project.id, body);
    const again = await services.labels.submit(annotators[0], project.id, body);
    expect(again).toEqual({ annotationId: first.annotationId, duplicate: true });
    const stored = await database.db.execute(`select client_key from annotations where id = ${first.annotationId}` as never) as unknown as { rows: { client_key: string }[] };
    expect(stored.rows.map((r) => r.client_key)).toEqual([clientKey]);
    expect((await listCurrentLabels(database.db, project.id)).map((c) => c.label)).toEqual(['dog']);
  });

  it('answers every one of a burst of identical submits with the one stored label (a retry racing the original)', async () => {
    const rounds = 40;
    const { services, project, annotators } = await buildProject(database.db, { n: rounds });
    const me = annotators[0];
    for (let round = 0; round < rounds; round++) {
      const [l] = await services.queue.claim(me, project.id, 1);
      const body = { leaseId: l.leaseId, itemId: l.itemId, label: 'cat', clientKey: `burst-key-${round}` };
      const burst = 2 + (round % 3);
      const answers = await Promise.all(Array.from({ length: burst }, () => services.labels.submit(me, project.id, body)));
      expect(new Set(answers.map((a) => a.annotationId)).size, `round ${round}`).toBe(1);
      expect(answers.filter((a) => !a.duplicate).length, `round ${round}: exactly one submit stored it`).toBe(1);
    }
    const labels = await listCurrentLabels(database.db, project.id);
    expect(labels.length).toBe(rounds);
    expect((await services.labels.progress(me, project.id)).mine).toBe(rounds);
  });

  it('rejects a class the project does not have, storing nothing', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 1 });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    await expect(services.labels.submit(annotators[0], project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'horse', clientKey: 'bad-class-1' }))
      .rejects.toMatchObject({ code: 'bad_request' });
    expect(await listCurrentLabels(database.db, project.id)).toEqual([]);
  });

  it('refuses a label on someone else\'s lease', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 2 });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    await expect(services.labels.submit(annotators[1], project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'cat', clientKey: 'steal-key-1' }))
      .rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps a label whose lease lapsed when nobody else took the item', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 1 });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    await database.db.execute(`update leases set state = 'expired' where id = ${l.leaseId}` as never);
    await services.labels.submit(annotators[0], project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'cat', clientKey: 'late-key-1' });
    expect((await listCurrentLabels(database.db, project.id)).map((c) => c.label)).toEqual(['cat']);
  });

  it('refuses a lapsed label when the item went to someone else', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 1 });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    await database.db.execute(`update leases set expires_at = now() - interval '1 second' where id = ${l.leaseId}` as never);
    await services.queue.claim(annotators[1], project.id, 1);
    await expect(services.labels.submit(annotators[0], project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'cat', clientKey: 'late-key-2' }))
      .rejects.toMatchObject({ code: 'lease_expired' });
  });

  it('refuses a second label on a completed lease under a new client key, storing nothing', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 1 });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    await services.labels.submit(annotators[0], project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'cat', clientKey: 'done-key-1' });
    await expect(services.labels.submit(annotators[0], project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'dog', clientKey: 'done-key-2' }))
      .rejects.toMatchObject({ code: 'lease_expired' });
    expect((await listCurrentLabels(database.db, project.id)).map((c) => c.label)).toEqual(['cat']);
  });

  it('refuses a lease that does not exist, or one for another item, storing nothing', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 2 });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    await expect(services.labels.submit(annotators[0], project.id, { leaseId: l.leaseId + 1000, itemId: l.itemId, label: 'cat', clientKey: 'ghost-key-1' }))
      .rejects.toMatchObject({ code: 'not_found' });
    await expect(services.labels.submit(annotators[0], project.id, { leaseId: l.leaseId, itemId: l.itemId + 1, label: 'cat', clientKey: 'ghost-key-2' }))
      .rejects.toMatchObject({ code: 'not_found' });
    expect(await listCurrentLabels(database.db, project.id)).toEqual([]);
  });

  it('checks access in the label\'s own transaction once the project\'s task is known: a member removed since stores nothing and learns nothing of the classes', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 4 });
    const [me] = annotators;
    const [a, b] = await services.queue.claim(me, project.id, 2);
    await services.labels.submit(me, project.id, { leaseId: a.leaseId, itemId: a.itemId, label: 'cat', clientKey: 'before-removal' });
    await services.projects.setMember(SYSTEM, project.id, me.userId, null);
    // The lease is still active, so without the check the label would be stored.
    await expect(services.labels.submit(me, project.id, { leaseId: b.leaseId, itemId: b.itemId, label: 'dog', clientKey: 'after-removal' }))
      .rejects.toMatchObject({ code: 'not_found' });
    // A class the project does not have: the answer a stranger gets is the same 404, not the list of classes.
    await expect(services.labels.submit(me, project.id, { leaseId: b.leaseId, itemId: b.itemId, label: 'horse', clientKey: 'after-removal-2' }))
      .rejects.toMatchObject({ code: 'not_found' });
    expect((await listCurrentLabels(database.db, project.id)).map((c) => c.label)).toEqual(['cat']);
    const leases = await database.db.execute(`select state from leases where id = ${b.leaseId}` as never) as unknown as { rows: { state: string }[] };
    expect(leases.rows).toEqual([{ state: 'active' }]);
  });

  it('lets an admin label without being a member, and a member whose role still allows it, on the same transaction\'s check', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 3 });
    const admin = { userId: (await services.users.add(SYSTEM, { email: 'admin2@t.local', password: 'password123', role: 'admin' })).id, role: 'admin' as const };
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    await services.labels.submit(annotators[0], project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'cat', clientKey: 'member-1' });
    const [m] = await services.queue.claim(admin, project.id, 1);
    await services.labels.submit(admin, project.id, { leaseId: m.leaseId, itemId: m.itemId, label: 'dog', clientKey: 'admin-1' });
    expect((await listCurrentLabels(database.db, project.id)).map((c) => c.label).sort()).toEqual(['cat', 'dog']);
  });

  it('sends a label after the project\'s first as two messages on Postgres: the access check, lease lock and label with BEGIN, then COMMIT', async () => {
    if (kind === 'pglite') return;
    const { services, project, annotators } = await buildProject(database.db, { n: 3 });
    const [a, b] = await services.queue.claim(annotators[0], project.id, 2);
    await services.labels.submit(annotators[0], project.id, { leaseId: a.leaseId, itemId: a.itemId, label: 'cat', clientKey: 'first-of-project' });
    const sent = recordMessages(database);
    await services.labels.submit(annotators[0], project.id, { leaseId: b.leaseId, itemId: b.itemId, label: 'dog', clientKey: 'second-of-project' });
    const transaction = sent.filter((m) => !m.startsWith('prepare '));
    expect(transaction).toEqual([expect.stringMatching(/^begin;\nexecute tandem_m\d+\([^;]*\);\nexecute tandem_m\d+\([^;]*\);\nexecute tandem_m\d+\([^;]*\)$/), 'commit']);
    // Whatever this connection had not prepared yet is one of the three statements.
    for (const m of sent.filter((x) => x.startsWith('prepare '))) expect(m).toMatch(/^prepare tandem_m\d+ as (select m\.role as member_role from "projects"|select id from "leases"|\s*with seen as)/);
    expect((await listCurrentLabels(database.db, project.id)).map((c) => c.label).sort()).toEqual(['cat', 'dog']);
  });

  it('undo takes back the newest label and hands the item straight back', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 5 });
    const me = annotators[0];
    const leases = await services.queue.claim(me, project.id, 2);
    for (const [i, l] of leases.entries()) {
      await services.labels.submit(me, project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'bird', clientKey: `undo-key-${i}` });
    }
    const redo = await services.labels.undo(me, project.id);
    expect(redo.itemId).toBe(leases[1].itemId);
    expect(redo.stream).toBe('redo');
    expect((await services.labels.progress(me, project.id)).mine).toBe(1);
    const held = await services.queue.claim(me, project.id, 1);
    expect(held[0].itemId).toBe(leases[1].itemId);
    const labels = await listCurrentLabels(database.db, project.id);
    expect(labels.map((c) => c.itemId)).toEqual([leases[0].itemId]);
  });

  it('undo leaves an item labeled when another label of it still stands', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 1 });
    const me = annotators[0];
    const [l] = await services.queue.claim(me, project.id, 1);
    await services.labels.submit(me, project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'cat', clientKey: 'undo-other-1' });
    await database.db.execute(`insert into annotations (project_id, item_id, action, payload, source) values (${project.id}, ${l.itemId}, 'label', '{"label":"dog"}', 'import')` as never);
    await services.labels.undo(me, project.id);
    expect((await services.labels.progress(me, project.id)).labeled).toBe(1);
  });

  it('says there is nothing to undo when the annotator has no labels', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 1 });
    await expect(services.labels.undo(annotators[0], project.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
