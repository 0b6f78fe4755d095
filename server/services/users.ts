import bcrypt from 'bcryptjs';
import type { Db } from '../../db/client';
import { findUserByEmail, insertUser, listUsers, updateUserRole, findUserById, type PublicUser } from '../../db/queries/users';
import { parseInput, TandemError } from '../../lib/errors';
import type { UserRole } from '../../lib/roles';
import { NewUser } from '../../lib/protocol/admin';
import { isStorableText } from '../../lib/protocol/stored';
import { isUniqueViolation } from './pg-errors';
import { requireGlobal, type Principal } from './access';


const BCRYPT_ROUNDS = 10;

export function createUserService(db: Db) {
  // Who to tell when a user row changes here (the session cache drops its copy at once).
  const listeners = new Set<(userId: number | undefined) => void>();
  const changed = (userId: number | undefined) => { for (const l of listeners) l(userId); };
  function onChange(listener: (userId: number | undefined) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  async function add(p: Principal, input: NewUser): Promise<PublicUser> {
    requireGlobal(p, 'users.manage');
    const u = parseInput(NewUser, input, 'user');
    const passwordHash = await bcrypt.hash(u.password, BCRYPT_ROUNDS);
    try {
      const made = await insertUser(db, { email: u.email, name: u.name ?? u.email.split('@')[0], passwordHash, role: u.role });
      changed(made.id);
      return made;
    } catch (e) {
      if (isUniqueViolation(e)) throw new TandemError('conflict', `a user ${u.email} exists already`);
      throw e;
    }
  }

  /** Returns the user when the password matches; the same null for an unknown email and a wrong password. */
  async function verify(email: string, password: string): Promise<PublicUser | null> {
    // No user's email holds what Postgres cannot store, and asking for one would be a database error.
    const u = isStorableText(email) ? await findUserByEmail(db, email.trim()) : undefined;
    if (!u) {
      await bcrypt.compare(password, '$2b$10$invalidinvalidinvalidinvalidinvalidinvalidinvalidinva'); // same cost either way
      return null;
    }
    if (!(await bcrypt.compare(password, u.passwordHash))) return null;
    const { passwordHash: _, ...pub } = u;
    return pub;
  }

  async function list(p: Principal): Promise<PublicUser[]> {
    requireGlobal(p, 'users.manage');
    return listUsers(db);
  }

  async function setRole(p: Principal, userId: number, role: UserRole): Promise<void> {
    requireGlobal(p, 'users.manage');
    if (!(await updateUserRole(db, userId, role))) throw new TandemError('not_found', `no user ${userId}`);
    changed(userId);
  }

  async function get(userId: number): Promise<PublicUser | undefined> {
    return findUserById(db, userId);
  }

  async function findByEmail(email: string): Promise<PublicUser | undefined> {
    if (!isStorableText(email)) return undefined;
    const u = await findUserByEmail(db, email.trim());
    if (!u) return undefined;
    const { passwordHash: _, ...pub } = u;
    return pub;
  }

  return { add, verify, list, setRole, get, findByEmail, onChange };
}

export type UserService = ReturnType<typeof createUserService>;
