import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client';
import { SYSTEM, type Principal } from '../../../server/services/access';
import type { Services } from '../../../server/services';
import { createAccessWatch, type AccessWatch, type Revocation } from '../../../server/realtime/access-watch';
import type { Session } from '../../../server/auth/session-cache';
import { createLogger } from '../../../server/log';
import { buildProject } from '../../fixtures/builders';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';

const SECRET = 'access-watch-test-secret-0123456789abcdef';

describe.each(DATABASE_KINDS)('the access watch of open connections on %s', (kind) => {
  let database: Database;
  let services: Services;
  let projectId: number;
  let annotator: Principal;
  let watch: AccessWatch;

  beforeEach(async () => {
    database = await openTestDatabase(kind);
    const built = await buildProject(database.db, { n: 3, annotators: 1 });
    services = built.services;
    projectId = built.project.id;
    annotator = built.annotators[0];
    // The periodic pass is driven by hand (`check`) where a test needs it; an hour keeps the timer out of the way.
    watch = createAccessWatch({ services, secret: SECRET, log: createLogger('silent'), everyMs: 3_600_000 });
  });
  afterEach(async () => {
    watch.stop();
    await database.close();
  });

  const session = (userId: number, version = 0): Session => ({ uid: userId, version, expiresAtMs: Date.now() + 3_600_000 });

  /** A connection that receives `projects`, records what it was told, and drops a project it lost (as a socket leaves its room). */
  function connection(s: Session, projects: number[]) {
    const revoked: Revocation[] = [];
    const open = [...projects];
    const stop = watch.watch({
      session: s,
      projects: () => open,
      revoke: (r) => {
        revoked.push(r);
        if (r.kind === 'project-lost') open.splice(open.indexOf(r.projectId), 1);
      },
    });
    return { revoked, stop };
  }

  it('takes a project from a member\'s connections at once when they are removed from it, and leaves others alone', async () => {
    const other = await services.users.add(SYSTEM, { email: 'other@t.local', password: 'password123' });
    await services.projects.setMember(SYSTEM, projectId, other.id, 'annotator');
    const mine = connection(session(annotator.userId), [projectId]);
    const theirs = connection(session(other.id), [projectId]);
    await services.projects.setMember(SYSTEM, projectId, annotator.userId, null);
    await expect.poll(() => mine.revoked).toEqual([{ kind: 'project-lost', projectId }]);
    await watch.check();
    expect(theirs.revoked).toEqual([]);
  });

  it('ends every connection of a user who logs out', async () => {
    const a = connection(session(annotator.userId), [projectId]);
    const b = connection(session(annotator.userId), []);
    await services.users.endSessions(annotator.userId);
    await expect.poll(() => [a.revoked, b.revoked]).toEqual([[{ kind: 'session-ended' }], [{ kind: 'session-ended' }]]);
    expect(watch.size()).toBe(0);
  });

  it('takes the projects an admin saw only as an admin when they are demoted, not those they are a member of', async () => {
    await services.users.add(SYSTEM, { email: 'keeper@t.local', password: 'password123', role: 'admin' });
    const admin = await services.users.add(SYSTEM, { email: 'boss@t.local', password: 'password123', role: 'admin' });
    const second = await services.projects.create(SYSTEM, { slug: 'second', classes: ['a', 'b'] });
    await services.projects.setMember(SYSTEM, second.id, admin.id, 'lead');
    const c = connection(session(admin.id), [projectId, second.id]);
    await services.users.setRole(SYSTEM, admin.id, 'user');
    await expect.poll(() => c.revoked).toEqual([{ kind: 'project-lost', projectId }]);
    await watch.check();
    expect(c.revoked).toEqual([{ kind: 'project-lost', projectId }]); // the project they lead stays
  });

  it('finds a removal made by another process (SQL) on its next pass', async () => {
    const c = connection(session(annotator.userId), [projectId]);
    await watch.check();
    expect(c.revoked).toEqual([]);
    await database.db.execute(`delete from memberships where user_id = ${annotator.userId}` as never);
    await watch.check();
    expect(c.revoked).toEqual([{ kind: 'project-lost', projectId }]);
  });

  it('finds a change made elsewhere by itself, on its timer', async () => {
    const ticking = createAccessWatch({ services, secret: SECRET, log: createLogger('silent'), everyMs: 50 });
    try {
      const revoked: Revocation[] = [];
      ticking.watch({ session: session(annotator.userId), projects: () => [projectId], revoke: (r) => revoked.push(r) });
      await database.db.execute(`update users set session_version = session_version + 1 where id = ${annotator.userId}` as never);
      // Within the session cache's row TTL (5 s) plus a pass.
      await expect.poll(() => revoked, { timeout: 10_000 }).toEqual([{ kind: 'session-ended' }]);
    } finally {
      ticking.stop();
    }
  });

  it('ends a connection whose token is past its expiry, and forgets a closed one', async () => {
    const expired = connection({ uid: annotator.userId, version: 0, expiresAtMs: Date.now() - 1 }, [projectId]);
    const closed = connection(session(annotator.userId), [projectId]);
    closed.stop();
    await watch.check();
    expect(expired.revoked).toEqual([{ kind: 'session-ended' }]);
    expect(closed.revoked).toEqual([]);
  });

  it('answers the user as they are now for a connection\'s later requests', async () => {
    const s = session(annotator.userId);
    expect(await watch.principalOf(s)).toEqual({ userId: annotator.userId, role: 'user' });
    await services.users.endSessions(annotator.userId);
    expect(await watch.principalOf(s)).toBeNull();
  });
});
