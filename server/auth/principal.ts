import { getToken } from 'next-auth/jwt';
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../services/access';
import type { UserService } from '../services/users';

export const SESSION_COOKIE = 'authjs.session-token';

/**
 * Verifies the Auth.js session cookie of a raw Node request (socket.io
 * handshake, Yjs upgrade) and loads the user's current role. Null: not logged
 * in, a bad or expired token, or a deleted user.
 */
export async function principalFromRequest(req: Pick<IncomingMessage, 'headers'>, secret: string, users: UserService): Promise<Principal | null> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
  const token = await getToken({ req: { headers }, secret, secureCookie: false, cookieName: SESSION_COOKIE, salt: SESSION_COOKIE });
  const uid = token && typeof token.uid === 'number' ? token.uid : null;
  if (uid === null) return null;
  const user = await users.get(uid);
  return user ? { userId: user.id, role: user.role } : null;
}
