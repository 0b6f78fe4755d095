import { LoginForm } from './LoginForm';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  return (
    <div className="login card">
      <h1>Log in to Tandem</h1>
      <LoginForm callbackUrl={callbackUrl ?? '/'} />
      <p className="muted">The demo logins are printed by <code>npm start</code> the first time it runs.</p>
    </div>
  );
}
