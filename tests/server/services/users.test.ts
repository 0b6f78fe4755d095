import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { passwords } from '../../../server/services/passwords';
import type { Database } from '../../../db/client';
import { SYSTEM } from '../../../server/services/access';
import { createUserService, type UserService } from '../../../server/services/users';
import { createLoginThrottle } from '../../../server/auth/login-throttle';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';

describe.each(DATABASE_KINDS)('the user service on %s', (kind) => {
  let database: Database;
  let users: UserService;
  let clock: number;

  beforeEach(async () => {
    database = await openTestDatabase(kind);
    clock = 1_000_000;
    users = createUserService(database.db, {
      throttle: createLoginThrottle({ now: () => clock, account: { freeFailures: 3, firstWaitMs: 30_000, maxWaitMs: 600_000, forgetAfterMs: 3_600_000 } }),
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await database.close();
  });

  describe('the last admin', () => {
    it('cannot be demoted: a conflict that says what to do, and the role stays', async () => {
      const only = await users.add(SYSTEM, { email: 'root@t.local', password: 'password123', role: 'admin' });
      await expect(users.setRole({ userId: only.id, role: 'admin' }, only.id, 'user')).rejects.toMatchObject({
        code: 'conflict', message: expect.stringMatching(/last admin.*make another user admin first/),
      });
      expect((await users.get(only.id))?.role).toBe('admin');
    });

    it('may be demoted once there is another admin', async () => {
      const a = await users.add(SYSTEM, { email: 'a@t.local', password: 'password123', role: 'admin' });
      await users.add(SYSTEM, { email: 'b@t.local', password: 'password123', role: 'admin' });
      await users.setRole(SYSTEM, a.id, 'user');
      expect((await users.get(a.id))?.role).toBe('user');
    });

    it('survives two admins demoting each other at once: one demotion wins, one admin stays', async () => {
      const a = await users.add(SYSTEM, { email: 'a@t.local', password: 'password123', role: 'admin' });
      const b = await users.add(SYSTEM, { email: 'b@t.local', password: 'password123', role: 'admin' });
      for (let round = 0; round < 5; round++) {
        const outcomes = await Promise.allSettled([users.setRole(SYSTEM, a.id, 'user'), users.setRole(SYSTEM, b.id, 'user')]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.code)).toEqual(['conflict']);
        expect((await users.list(SYSTEM)).filter((u) => u.role === 'admin')).toHaveLength(1);
        await users.setRole(SYSTEM, a.id, 'admin');
        await users.setRole(SYSTEM, b.id, 'admin');
      }
    });

    it('does not stop the demotion of a plain user or of a missing one from saying so', async () => {
      await users.add(SYSTEM, { email: 'root@t.local', password: 'password123', role: 'admin' });
      const plain = await users.add(SYSTEM, { email: 'u@t.local', password: 'password123' });
      await users.setRole(SYSTEM, plain.id, 'user');
      await expect(users.setRole(SYSTEM, 99_999, 'user')).rejects.toMatchObject({ code: 'not_found' });
    });
  });

  describe('login', () => {
    it('refuses the right password during a lockout without hashing anything, and accepts it once the wait is over', async () => {
      const u = await users.add(SYSTEM, { email: 'a@t.local', password: 'password123' });
      for (let i = 0; i < 3; i++) expect(await users.login('a@t.local', 'wrong password', '10.0.0.1')).toEqual({ kind: 'refused' });
      const compare = vi.spyOn(passwords, 'verify');
      expect(await users.login('a@t.local', 'password123', '10.0.0.1')).toEqual({ kind: 'throttled', waitMs: 30_000 });
      clock += 20_000;
      expect(await users.login('a@t.local', 'password123', '10.0.0.2')).toEqual({ kind: 'throttled', waitMs: 10_000 });
      expect(compare).not.toHaveBeenCalled();
      clock += 10_000;
      expect(await users.login('a@t.local', 'password123', '10.0.0.1')).toMatchObject({ kind: 'accepted', user: { id: u.id, sessionVersion: 0 } });
      expect(compare).toHaveBeenCalledTimes(1);
    });

    it('starts the account from zero after a successful login', async () => {
      await users.add(SYSTEM, { email: 'a@t.local', password: 'password123' });
      for (let i = 0; i < 2; i++) await users.login('a@t.local', 'wrong password', null);
      expect((await users.login('a@t.local', 'password123', null)).kind).toBe('accepted');
      for (let i = 0; i < 2; i++) expect((await users.login('a@t.local', 'wrong password', null)).kind).toBe('refused');
      expect((await users.login('a@t.local', 'password123', null)).kind).toBe('accepted');
    });

    it('carries the session version a logout raised into the next login', async () => {
      const u = await users.add(SYSTEM, { email: 'a@t.local', password: 'password123' });
      await users.endSessions(u.id);
      await users.endSessions(u.id);
      expect(await users.login('a@t.local', 'password123', null)).toMatchObject({ kind: 'accepted', user: { sessionVersion: 2 } });
    });
  });
});
