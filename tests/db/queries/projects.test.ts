import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client';
import { findProjectWithRole, insertProject, projectWithRoleOpening, upsertMembership } from '../../../db/queries/projects';
import { insertUser } from '../../../db/queries/users';
import { openedTransaction, type Opening } from '../../../db/transactions';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';

/** What an opening reads, at the start of a transaction (its first message on Postgres). */
const opened = <R>(database: Database, o: Opening<R>) => openedTransaction(database.db, o, async (_tx, r) => r);

describe.each(DATABASE_KINDS)('projectWithRoleOpening %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it(`reads the project and the caller's role exactly as findProjectWithRole does, from a transaction's first message too (${dbLabel(kind)})`, async () => {
    const project = await insertProject(database.db, { slug: 'p', name: "it's \\ ü", taskType: 'classification', classes: ['cat', 'dog, "big"'], taskConfig: { nested: { a: [1, 2] } } });
    await database.db.execute(sql`update projects set settings = ${JSON.stringify({ queue: { goldShare: 0.1 } })}::jsonb, paused = true,
      stopped = ${JSON.stringify({ reason: 'budget', message: 'done', at: '2026-12-04T00:00:00.000Z' })}::jsonb where id = ${project.id}`);
    const member = await insertUser(database.db, { email: 'm@t.local', name: 'm', passwordHash: 'x', role: 'user' });
    const stranger = await insertUser(database.db, { email: 's@t.local', name: 's', passwordHash: 'x', role: 'user' });
    await upsertMembership(database.db, project.id, member.id, 'lead');
    for (const userId of [member.id, stranger.id]) {
      const expected = await findProjectWithRole(database.db, project.id, userId);
      const read = await opened(database, projectWithRoleOpening(project.id, userId));
      expect(read).toEqual(expected);
      expect(read!.project.createdAt).toBeInstanceOf(Date);
    }
    expect((await opened(database, projectWithRoleOpening(project.id, member.id)))!.role).toBe('lead');
    expect((await opened(database, projectWithRoleOpening(project.id, stranger.id)))!.role).toBeNull();
    expect(await opened(database, projectWithRoleOpening(project.id + 1, member.id))).toBeUndefined();
  });
});
