import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../client';
import { users } from '../schema';
import type { UserRole } from '../../lib/roles';

export type UserRow = typeof users.$inferSelect;
export type PublicUser = Omit<UserRow, 'passwordHash'>;

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

export async function findUserById(db: Executor, id: number): Promise<PublicUser | undefined> {
  const [row] = await db.select(publicColumns).from(users).where(eq(users.id, id));
  return row;
}

export async function listUsers(db: Executor): Promise<PublicUser[]> {
  return db.select(publicColumns).from(users).orderBy(asc(users.id));
}

export async function updateUserRole(db: Executor, id: number, role: UserRole): Promise<boolean> {
  const rows = await db.update(users).set({ role }).where(eq(users.id, id)).returning({ id: users.id });
  return rows.length > 0;
}

export async function updateUserPassword(db: Executor, id: number, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash }).where(eq(users.id, id));
}
