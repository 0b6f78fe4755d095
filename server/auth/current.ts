import { cookies } from 'next/headers';
import { runtime } from '../runtime';
import type { Principal } from '../services/access';
import type { SessionUser } from '../../db/queries/users';
import { sessionCacheFor } from './session-cache';

/**
 * The logged-in user of the current Next.js request (page, action, route
 * handler), with their role now (at most USER_TTL_MS old, and fresh at once
 * after a change made through the user service).
 */
export async function currentUser(): Promise<(SessionUser & { principal: Principal }) | null> {
  const rt = runtime();
  const jar = await cookies();
  const user = await sessionCacheFor(rt.services.users, rt.config.authSecret).userFromCookies((name) => jar.get(name)?.value);
  return user ? { ...user, principal: { userId: user.id, role: user.role } } : null;
}
