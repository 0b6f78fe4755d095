import { LoginForm } from './LoginForm';
import { loginErrorMessage } from '@/lib/auth/login-messages';

type Search = { callbackUrl?: string | string[]; error?: string | string[]; code?: string | string[]; email?: string | string[] };
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function LoginPage({ searchParams }: { searchParams: Promise<Search> }) {
  const search = await searchParams;
  // Auth.js sends a refused POST /api/auth/callback/credentials here with ?error=CredentialsSignin&code=….
  const refused = one(search.error) === 'CredentialsSignin' ? loginErrorMessage(one(search.code)) : undefined;
  return (
    <div className="login card">
      <h1>Log in to Tandem</h1>
      {/* An accepted invite comes here with the new account's email filled in. */}
      <LoginForm callbackUrl={one(search.callbackUrl) ?? '/'} refused={refused} email={one(search.email)?.slice(0, 200)} />
      <p className="muted">The demo logins are printed by <code>npm start</code> the first time it runs.</p>
    </div>
  );
}
