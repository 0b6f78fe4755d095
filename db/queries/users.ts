import { asc, eq, sql } from 'drizzle-orm';
import type { Db, Executor } from '../client';
import { users } from '../schema';
import type { UserRole } from '../../lib/roles';

export type UserRow = typeof users.$inferSelect;
export type PublicUser = Omit<UserRow, 'passwordHash' | 'sessionVersion'>;
/** A user as the session check needs them: with the version every valid session token must carry. */
export type SessionUser = PublicUser & { sessionVersion: number };

const publicColumns = {
  id: users.id, email: users.email, name: users.name, role: users.role, createdAt: users.createdAt,
};

export async function insertUser(db: Executor, u: { email: string; name: string; passwordHash: string; role: UserRole }): Promise<PublicUser> {
  const [row] = await db.insert(users).values(u).returning(publicColumns);
  return row;
}

export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  return row;
}

export async function findUserById(db: Executor, id: number): Promise<SessionUser | undefined> {
  const [row] = await db.select({ ...publicColumns, sessionVersion: users.sessionVersion }).from(users).where(eq(users.id, id));
  return row;
}

export async function listUsers(db: Executor): Promise<PublicUser[]> {
  return db.select(publicColumns).from(users).orderBy(asc(users.id));
}

/**
 * Sets a user's global role unless that would leave no admin. The admin rows
 * are locked first (in id order, so two demotions cannot deadlock): a second
 * demotion waits for the first and then sees one admin fewer, so two admins
 * demoting each other at once leave one.
 */
export async function updateUserRoleKeepingAnAdmin(db: Db, id: number, role: UserRole): Promise<'updated' | 'not_found' | 'last_admin'> {
  return db.transaction(async (tx) => {
    const admins = await tx.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).orderBy(asc(users.id)).for('update');
    if (role !== 'admin' && admins.length === 1 && admins[0].id === id) return 'last_admin';
    const rows = await tx.update(users).set({ role }).where(eq(users.id, id)).returning({ id: users.id });
    return rows.length > 0 ? 'updated' : 'not_found';
  });
}

/** A new password ends every session made with the old one. */
export async function updateUserPassword(db: Executor, id: number, passwordHash: string): Promise<boolean> {
  const rows = await db.update(users).set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1` }).where(eq(users.id, id)).returning({ id: users.id });
  return rows.length > 0;
}

/** Ends every session of the user (logout): tokens carry the old version. */
export async function bumpSessionVersion(db: Executor, id: number): Promise<void> {
  await db.update(users).set({ sessionVersion: sql`${users.sessionVersion} + 1` }).where(eq(users.id, id));
}
