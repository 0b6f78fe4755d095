import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Executor } from '../client';
import { invites, users } from '../schema';

export type InviteRow = typeof invites.$inferSelect;

export async function insertInvite(db: Executor, i: Pick<typeof invites.$inferInsert, 'tokenHash' | 'projectId' | 'email' | 'role' | 'invitedBy' | 'expiresAt'>): Promise<InviteRow> {
  const [row] = await db.insert(invites).values(i).returning();
  return row;
}

/** The project's invites still waiting for their invitee, newest first. */
export async function listOpenInvites(db: Executor, projectId: number, now: Date) {
  return db.select({ id: invites.id, email: invites.email, role: invites.role, expiresAt: invites.expiresAt, createdAt: invites.createdAt, invitedBy: users.name })
    .from(invites).leftJoin(users, eq(users.id, invites.invitedBy))
    .where(and(eq(invites.projectId, projectId), isNull(invites.usedAt), isNull(invites.revokedAt), gt(invites.expiresAt, now)))
    .orderBy(desc(invites.id));
}

export async function findInviteByHash(db: Executor, tokenHash: string): Promise<InviteRow | undefined> {
  const [row] = await db.select().from(invites).where(eq(invites.tokenHash, tokenHash));
  return row;
}

/**
 * Takes the invite for its one use: marks it used if it is still open, in the same statement, so
 * two people racing with one link cannot both get in. Undefined when it was not open.
 */
export async function claimInvite(db: Executor, tokenHash: string, now: Date): Promise<InviteRow | undefined> {
  const [row] = await db.update(invites).set({ usedAt: now })
    .where(and(eq(invites.tokenHash, tokenHash), isNull(invites.usedAt), isNull(invites.revokedAt), gt(invites.expiresAt, now)))
    .returning();
  return row;
}

export async function setInviteUser(db: Executor, id: number, userId: number): Promise<void> {
  await db.update(invites).set({ userId }).where(eq(invites.id, id));
}

/** Withdraws an open invite of the project; false when there was none to withdraw. */
export async function revokeInvite(db: Executor, projectId: number, id: number, now: Date): Promise<boolean> {
  const rows = await db.update(invites).set({ revokedAt: now })
    .where(and(eq(invites.projectId, projectId), eq(invites.id, id), isNull(invites.usedAt), isNull(invites.revokedAt)))
    .returning({ id: invites.id });
  return rows.length > 0;
}
