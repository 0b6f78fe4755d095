import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';
import { runtime } from '../runtime';
import type { UserRole } from '../../lib/roles';

const Login = z.object({ email: z.string().trim().min(1).max(200), password: z.string().min(1).max(200) });

class BadCredentials extends CredentialsSignin {
  code = 'bad_credentials';
}

/**
 * Auth.js with a credentials provider and JWT sessions. The JWT carries the
 * user id; the role comes from the user row, which server/auth/session-cache.ts
 * keeps at most a few seconds (and drops at once when the user service changes
 * it), so a demotion takes effect on the next request.
 */
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: runtime().config.authSecret,
  trustHost: true,
  session: { strategy: 'jwt', maxAge: 30 * 24 * 3600 },
  pages: { signIn: '/login' },
  providers: [
    Credentials({
      credentials: { email: { label: 'Email' }, password: { label: 'Password', type: 'password' } },
      async authorize(raw) {
        const parsed = Login.safeParse(raw);
        if (!parsed.success) throw new BadCredentials();
        const user = await runtime().services.users.verify(parsed.data.email, parsed.data.password);
        if (!user) throw new BadCredentials();
        return { id: String(user.id), email: user.email, name: user.name, role: user.role as UserRole };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.uid = Number(user.id);
      return token;
    },
    session({ session, token }) {
      (session as { uid?: number }).uid = token.uid as number | undefined;
      return session;
    },
  },
}));
