import { auth } from './nextauth';
import { runtime } from '../runtime';
import type { Principal } from '../services/access';
import type { PublicUser } from '../../db/queries/users';

/** The logged-in user of the current Next.js request (page, action, route handler), with their role now. */
export async function currentUser(): Promise<(PublicUser & { principal: Principal }) | null> {
  const session = await auth();
  const uid = (session as { uid?: number } | null)?.uid;
  if (typeof uid !== 'number') return null;
  const user = await runtime().services.users.get(uid);
  return user ? { ...user, principal: { userId: user.id, role: user.role } } : null;
}
