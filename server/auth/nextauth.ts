import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';
import { runtime } from '../runtime';
import type { UserRole } from '../../lib/roles';
import { remoteAddressOf } from '../http/remote-address';
import { throttledCode } from '../../lib/auth/login-messages';
import { authLogger } from './auth-log';

const Login = z.object({ email: z.string().trim().min(1).max(200), password: z.string().min(1).max(200) });

class BadCredentials extends CredentialsSignin {
  code = 'bad_credentials';
}

/** Too many failures: the code carries the wait (`throttled_30`), and reaches the login page's URL and the form. */
class Throttled extends CredentialsSignin {
  constructor(waitMs: number) {
    super();
    this.code = throttledCode(waitMs);
  }
}

/**
 * Auth.js with a credentials provider and JWT sessions. The JWT carries the
 * user id and their session version at login; the role comes from the user
 * row, which server/auth/session-cache.ts keeps at most a few seconds (and
 * drops at once when the user service changes it), so a demotion takes effect
 * on the next request, and a logout (which raises the version) ends the
 * session on every route, not just in this browser.
 */
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: runtime().config.authSecret,
  trustHost: true,
  session: { strategy: 'jwt', maxAge: 30 * 24 * 3600 },
  pages: { signIn: '/login' },
  logger: authLogger(() => runtime().log),
  providers: [
    Credentials({
      credentials: { email: { label: 'Email' }, password: { label: 'Password', type: 'password' } },
      async authorize(raw, request) {
        const parsed = Login.safeParse(raw);
        if (!parsed.success) throw new BadCredentials();
        const address = remoteAddressOf(request?.headers);
        const result = await runtime().services.users.login(parsed.data.email, parsed.data.password, address);
        // One line per refused login (Auth.js's own error log of it, with a stack, is dropped in auth-log.ts).
        if (result.kind !== 'accepted') runtime().log.warn({ email: parsed.data.email, address, reason: result.kind }, 'login refused');
        switch (result.kind) {
          case 'throttled': throw new Throttled(result.waitMs);
          case 'refused': throw new BadCredentials();
          case 'accepted': {
            const { user } = result;
            return { id: String(user.id), email: user.email, name: user.name, role: user.role as UserRole, sessionVersion: user.sessionVersion };
          }
          default: {
            const never: never = result;
            return never;
          }
        }
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) {
        token.uid = Number(user.id);
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
      }
      return token;
    },
    session({ session, token }) {
      (session as { uid?: number }).uid = token.uid as number | undefined;
      return session;
    },
  },
  events: {
    // Both the logout action and POST /api/auth/signout end here; raising the version ends the token everywhere.
    async signOut(message) {
      const uid = 'token' in message ? message.token?.uid : undefined;
      if (typeof uid === 'number') await runtime().services.users.endSessions(uid);
    },
  },
}));
