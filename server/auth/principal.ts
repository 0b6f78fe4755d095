import type { IncomingMessage } from 'node:http';
import type { Principal } from '../services/access';
import type { UserService } from '../services/users';
import { cookiesOfHeader, sessionCacheFor, type Session } from './session-cache';

export const SESSION_COOKIE = 'authjs.session-token';

/**
 * Verifies the Auth.js session cookie of a raw Node request (socket.io
 * handshake, Yjs upgrade) and loads the user's current role. Null: not logged
 * in, a bad, expired or ended token, or a deleted user. The session comes
 * along so that an open connection can be checked again later without the cookie.
 */
export async function principalFromRequest(req: Pick<IncomingMessage, 'headers'>, secret: string, users: UserService): Promise<(Principal & { session: Session }) | null> {
  const cookie = req.headers.cookie;
  const cache = sessionCacheFor(users, secret);
  const session = await cache.sessionFromCookies(cookiesOfHeader(typeof cookie === 'string' ? cookie : undefined));
  const user = session ? await cache.userOfSession(session) : null;
  return user && session ? { userId: user.id, role: user.role, session } : null;
}
