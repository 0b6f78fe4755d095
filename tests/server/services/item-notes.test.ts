import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';

/** An annotator flags the item on screen instead of guessing; comments go on an item's page. */
describe.each(DATABASE_KINDS)('flags and comments on %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  const leaseState = async (id: number) => ((await database.db.execute(sql`select state from leases where id = ${id}`)) as unknown as { rows: { state: string }[] }).rows[0].state;

  it('stores the flag with its comment and ends the lease as a skip, so the item is dealt again', async () => {
    const { services, project, annotators, leads } = await buildProject(database.db, { n: 1, annotators: 2, leads: 1 });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    const r = await services.itemNotes.flag(annotators[0], project.id, l.itemId, { reason: 'unclear', comment: '  a 1 or a 7?  ', leaseId: l.leaseId });
    expect(r.skipped).toBe(l.leaseId);
    expect(await leaseState(l.leaseId)).toBe('skipped');
    const [other] = await services.queue.claim(annotators[1], project.id, 1);
    expect(other.itemId).toBe(l.itemId);
    const d = await services.items.detail(leads[0], project.id, l.itemId);
    expect(d.flags).toMatchObject([{ kind: 'annotator', reason: 'unclear', comment: 'a 1 or a 7?', resolvedAt: null }]);
    const page = await services.items.browse(leads[0], project.id, { sort: 'id', flagged: '1' });
    expect(page.items).toMatchObject([{ id: l.itemId, openFlags: 1 }]);
  });

  it('refuses a flag on an item the annotator neither holds nor answered, and on someone else\'s lease', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 2, annotators: 2 });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    await expect(services.itemNotes.flag(annotators[1], project.id, l.itemId, { reason: 'broken' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(services.itemNotes.flag(annotators[1], project.id, l.itemId, { reason: 'broken', leaseId: l.leaseId })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await leaseState(l.leaseId)).toBe('active');
  });

  it('refuses an unknown reason or an overlong comment with a message, storing nothing', async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 1 });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    await expect(services.itemNotes.flag(annotators[0], project.id, l.itemId, { reason: 'ugly' as never })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/reason: must be one of unclear, broken, no-class/) });
    await expect(services.itemNotes.flag(annotators[0], project.id, l.itemId, { reason: 'unclear', comment: 'x'.repeat(2001) })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/comment: must be at most 2000/) });
    expect(await leaseState(l.leaseId)).toBe('active');
  });

  it('keeps comments on the item; an annotator sees their own and the leads\' replies, never another annotator\'s; the lead sees all', async () => {
    const { services, project, annotators, leads } = await buildProject(database.db, { n: 1, annotators: 2, leads: 1, leaseSeconds: 600 });
    const [l] = await services.queue.claim(annotators[0], project.id, 1);
    await services.labels.submit(annotators[0], project.id, { leaseId: l.leaseId, itemId: l.itemId, label: 'cat', clientKey: 'comment-key-1' });
    await services.itemNotes.comment(annotators[0], project.id, l.itemId, { body: 'tail looked <script>odd</script>' });
    await services.itemNotes.comment(leads[0], project.id, l.itemId, { body: 'agreed' });
    // Another annotator's remark on the item (say from an overlap answer): not the first annotator's to read.
    await database.db.execute(sql`insert into item_comments (project_id, item_id, user_id, body) values (${project.id}, ${l.itemId}, ${annotators[1].userId}, 'mine says dog')`);
    expect((await services.items.detail(leads[0], project.id, l.itemId)).comments.map((c) => c.body)).toEqual(['tail looked <script>odd</script>', 'agreed', 'mine says dog']);
    const seen = (await services.items.detail(annotators[0], project.id, l.itemId)).comments;
    expect(seen.map((c) => [c.body, c.byLead])).toEqual([['tail looked <script>odd</script>', false], ['agreed', true]]);
    const mine = await services.myAnswers.list(annotators[0], project.id, {});
    expect(mine.answers[0]).toMatchObject({ itemId: l.itemId, leadComments: 1, lastLeadComment: { body: 'agreed', by: 'lead0' } });
    // The other annotator never answered it: the item page is closed to them.
    await expect(services.items.detail(annotators[1], project.id, l.itemId)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(services.itemNotes.comment(annotators[0], project.id, l.itemId, { body: '   ' })).rejects.toMatchObject({ code: 'bad_request' });
  });
});
