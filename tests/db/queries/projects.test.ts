import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client';
import { findProjectWithRole, insertProject, projectRoleOpening, upsertMembership } from '../../../db/queries/projects';
import { insertUser } from '../../../db/queries/users';
import { openedTransaction, type Opening } from '../../../db/transactions';
import { DATABASE_KINDS, dbLabel, openTestDatabase } from '../../fixtures/database';

/** What an opening reads, at the start of a transaction (its first message on Postgres). */
const opened = <R>(database: Database, o: Opening<R>) => openedTransaction(database.db, o, async (_tx, r) => r);

describe.each(DATABASE_KINDS)('projectRoleOpening %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  it(`reads the caller's role as findProjectWithRole does, from a transaction's first message too (${dbLabel(kind)})`, async () => {
    const project = await insertProject(database.db, { slug: 'p', name: "it's \\ ü", taskType: 'classification', classes: ['cat', 'dog'], taskConfig: {} });
    const member = await insertUser(database.db, { email: 'm@t.local', name: 'm', passwordHash: 'x', role: 'user' });
    const annotator = await insertUser(database.db, { email: 'a@t.local', name: 'a', passwordHash: 'x', role: 'user' });
    const stranger = await insertUser(database.db, { email: 's@t.local', name: 's', passwordHash: 'x', role: 'user' });
    await upsertMembership(database.db, project.id, member.id, 'lead');
    await upsertMembership(database.db, project.id, annotator.id, 'annotator');
    for (const userId of [member.id, annotator.id, stranger.id]) {
      const expected = await findProjectWithRole(database.db, project.id, userId);
      expect(await opened(database, projectRoleOpening(project.id, userId))).toEqual({ role: expected!.role });
    }
    expect((await opened(database, projectRoleOpening(project.id, member.id)))!.role).toBe('lead');
    expect((await opened(database, projectRoleOpening(project.id, annotator.id)))!.role).toBe('annotator');
    expect((await opened(database, projectRoleOpening(project.id, stranger.id)))!.role).toBeNull();
    expect(await opened(database, projectRoleOpening(project.id + 1, member.id))).toBeUndefined();
  });
});
