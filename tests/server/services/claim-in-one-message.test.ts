import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client';
import { findDoubleLeases } from '../../../db/queries/leases';
import { leaseChosenStatement, type LeaseChoice } from '../../../db/queries/queue-state';
import { oneMessageTransaction } from '../../../db/transactions';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';
import { applyRanking, buildProject } from '../../fixtures/builders';
import { recordMessages } from '../../fixtures/database-messages';

const itemIds = async (database: Database, projectId: number) =>
  ((await database.db.execute(sql`select id from items where project_id = ${projectId} order by id`)) as unknown as { rows: { id: unknown }[] }).rows.map((r) => Number(r.id));

const choice = (itemId: number, at: number): LeaseChoice => ({
  itemId, kind: 'open', stream: 'uncertain', detail: { kind: 'uncertain', strategy: `m'a\\rgin ${at}` }, rankingId: null, score: at === 0 ? null : 1 / (at + 1),
});

describe.each(DATABASE_KINDS)('a claim in one message %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it(`deals new items in one round trip on Postgres: begin, lock, renewal, leases and commit in one message (${dbLabel(kind)})`, async () => {
    const { services, project, annotators } = await buildProject(database.db, { n: 30, annotators: 2 });
    await applyRanking(database.db, project.id);
    services.queue.poolChanged(project.id);
    const sent = kind === 'postgres' ? recordMessages(database) : [];
    const first = await services.queue.claim(annotators[0], project.id, 3);
    expect(first).toHaveLength(3);
    if (kind === 'postgres') {
      // The connection's first claim prepares the lock, the renewal and the lease insert, once.
      expect(sent.map((m) => m.split(' as ')[0].replace(/\d+$/, 'N'))).toEqual(['prepare tandem_mN', 'prepare tandem_mN', 'prepare tandem_mN', expect.stringMatching(/^begin;/)]);
      expect(sent[0]).toMatch(/pg_advisory_xact_lock/);
      expect(sent[2]).toMatch(/insert into "leases"/);
      expect(sent[3]).toMatch(/^begin;\nexecute tandem_m\d+\('\d+', '\d+'\);\nexecute tandem_m\d+\([^;]*\);\nexecute tandem_m\d+\([^;]*\);\ncommit$/);
    }
    // The heartbeat: nothing new to deal, the same leases renewed.
    const again = await services.queue.claim(annotators[0], project.id, 3);
    expect(again.map((l) => l.leaseId)).toEqual(first.map((l) => l.leaseId));
    // Another annotator never gets the first one's items; on a connection that prepared them, one message and nothing more.
    sent.length = 0;
    const other = await services.queue.claim(annotators[1], project.id, 3);
    expect(other.filter((l) => first.some((f) => f.itemId === l.itemId))).toEqual([]);
    if (kind === 'postgres') expect(sent.filter((m) => m.startsWith('begin;')).length).toBeGreaterThanOrEqual(1);
    expect(await findDoubleLeases(database.db)).toEqual([]);
  });

  it(`never fills past the hold, counting what the caller holds after the renewal, and skips items another holds (${dbLabel(kind)})`, async () => {
    if (kind === 'pglite') return;
    const { services, project, annotators } = await buildProject(database.db, { n: 10, annotators: 2 });
    const [me, colleague] = annotators;
    const ids = await itemIds(database, project.id);
    const mine = await services.queue.claim(me, project.id, 2);
    const theirs = await services.queue.claim(colleague, project.id, 1);
    const free = ids.filter((id) => ![...mine, ...theirs].some((l) => l.itemId === id));
    const expiresAt = new Date(Date.now() + 60_000);
    // Planned: the colleague's item first, then three free ones; I hold 2 of at most 4.
    const planned = [theirs[0].itemId, ...free.slice(0, 3)].map(choice);
    const [rows] = (await oneMessageTransaction(database.db, [leaseChosenStatement(project.id, me.userId, expiresAt, planned, 4)]))!;
    expect((rows as { item_id: unknown }[]).map((r) => Number(r.item_id))).toEqual(free.slice(0, 2));
    const stored = (await database.db.execute(sql`select stream, detail, score from leases where user_id = ${me.userId} and item_id = ${free[0]}`)) as unknown as { rows: unknown[] };
    expect(stored.rows).toEqual([{ stream: 'uncertain', detail: { kind: 'uncertain', strategy: "m'a\\rgin 1" }, score: 0.5 }]);
    // Already at the hold: nothing more.
    const [none] = (await oneMessageTransaction(database.db, [leaseChosenStatement(project.id, me.userId, expiresAt, free.slice(2, 4).map(choice), 4)]))!;
    expect(none).toEqual([]);
    expect(await findDoubleLeases(database.db)).toEqual([]);
  });

  it(`refuses ids and holds that are not integers before touching the database (${dbLabel(kind)})`, () => {
    expect(() => leaseChosenStatement(1, 1, new Date(), [{ ...choice(1.5, 1) }], 3)).toThrow(RangeError);
    expect(() => leaseChosenStatement(1, 1, new Date(), [choice(1, 1)], Number.NaN)).toThrow(RangeError);
  });
});
