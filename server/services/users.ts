import type { Db } from '../../db/client';
import {
  bumpSessionVersion, findUserByEmail, findUserById, insertUser, listUsers, updateUserPassword, updateUserRoleKeepingAnAdmin,
  type PublicUser, type SessionUser,
} from '../../db/queries/users';
import { parseInput, TandemError } from '../../lib/errors';
import type { UserRole } from '../../lib/roles';
import { NewPassword, NewUser } from '../../lib/protocol/admin';
import { isStorableText } from '../../lib/protocol/stored';
import { createLoginThrottle, type LoginThrottle } from '../auth/login-throttle';
import { isUniqueViolation } from './pg-errors';
import { requireGlobal, type Principal } from './access';
import { passwords } from './passwords';


/** How a login attempt ended. */
export type LoginResult =
  | { kind: 'accepted'; user: SessionUser }
  | { kind: 'refused' }
  /** Too many failures for the account or the address: not even checked; try again after waitMs. */
  | { kind: 'throttled'; waitMs: number };

export function createUserService(db: Db, opts: { throttle?: LoginThrottle } = {}) {
  const throttle = opts.throttle ?? createLoginThrottle();
  // Who to tell when a user row changes here (the session cache drops its copy at once,
  // open connections are checked again).
  const listeners = new Set<(userId: number | undefined) => void>();
  const changed = (userId: number | undefined) => { for (const l of listeners) l(userId); };
  function onChange(listener: (userId: number | undefined) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  async function add(p: Principal, input: NewUser): Promise<PublicUser> {
    requireGlobal(p, 'users.manage');
    const u = parseInput(NewUser, input, 'user');
    const passwordHash = await passwords.hash(u.password);
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
      await passwords.spend(password); // same cost either way
      return null;
    }
    if (!(await passwords.verify(password, u.passwordHash))) return null;
    const { passwordHash: _, sessionVersion: __, ...pub } = u;
    return pub;
  }

  /**
   * A login from the login page or the API: `verify` behind the throttle. A
   * throttled attempt costs no password hash and counts for nothing; the right
   * password is refused like a wrong one until the wait is over.
   */
  async function login(email: string, password: string, address: string | null): Promise<LoginResult> {
    const attempt = throttle.attempt(email, address);
    if (attempt.kind === 'throttled') return attempt;
    let user: SessionUser | undefined;
    try {
      const pub = await verify(email, password);
      // The version is read after the password matched: a logout racing this login ends only older sessions.
      user = pub ? await findUserById(db, pub.id) : undefined;
    } finally {
      attempt.settle(user !== undefined);
    }
    return user ? { kind: 'accepted', user } : { kind: 'refused' };
  }

  /** Ends every session of the user now (logout: all their devices; see the README). */
  async function endSessions(userId: number): Promise<void> {
    await bumpSessionVersion(db, userId);
    changed(userId);
  }

  /** Sets a new password and ends every session made with the old one. */
  async function setPassword(p: Principal, userId: number, password: string): Promise<void> {
    requireGlobal(p, 'users.manage');
    const hash = await passwords.hash(parseInput(NewPassword, password, 'password'));
    if (!(await updateUserPassword(db, userId, hash))) throw new TandemError('not_found', `no user ${userId}`);
    changed(userId);
  }

  async function list(p: Principal): Promise<PublicUser[]> {
    requireGlobal(p, 'users.manage');
    return listUsers(db);
  }

  async function setRole(p: Principal, userId: number, role: UserRole): Promise<void> {
    requireGlobal(p, 'users.manage');
    const outcome = await updateUserRoleKeepingAnAdmin(db, userId, role);
    if (outcome === 'not_found') throw new TandemError('not_found', `no user ${userId}`);
    if (outcome === 'last_admin') throw new TandemError('conflict', `user ${userId} is the last admin: make another user admin first, then change this one`);
    changed(userId);
  }

  /** The user with their session version, for the session check. */
  async function get(userId: number): Promise<SessionUser | undefined> {
    return findUserById(db, userId);
  }

  async function findByEmail(email: string): Promise<PublicUser | undefined> {
    if (!isStorableText(email)) return undefined;
    const u = await findUserByEmail(db, email.trim());
    if (!u) return undefined;
    const { passwordHash: _, sessionVersion: __, ...pub } = u;
    return pub;
  }

  return { add, verify, login, endSessions, setPassword, list, setRole, get, findByEmail, onChange };
}

export type UserService = ReturnType<typeof createUserService>;
