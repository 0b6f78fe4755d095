import type { IncomingMessage } from 'node:http';
import type { Principal } from '../services/access';
import type { UserService } from '../services/users';
import { cookiesOfHeader, sessionCacheFor } from './session-cache';

export const SESSION_COOKIE = 'authjs.session-token';

/**
 * Verifies the Auth.js session cookie of a raw Node request (socket.io
 * handshake, Yjs upgrade) and loads the user's current role. Null: not logged
 * in, a bad or expired token, or a deleted user.
 */
export async function principalFromRequest(req: Pick<IncomingMessage, 'headers'>, secret: string, users: UserService): Promise<Principal | null> {
  const cookie = req.headers.cookie;
  const user = await sessionCacheFor(users, secret).userFromCookies(cookiesOfHeader(typeof cookie === 'string' ? cookie : undefined));
  return user ? { userId: user.id, role: user.role } : null;
}
