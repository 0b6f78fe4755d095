'use client';

import { useActionState } from 'react';
import { login, type LoginState } from '../actions';

export function LoginForm({ callbackUrl, refused }: { callbackUrl: string; refused?: string }) {
  const [state, action, pending] = useActionState<LoginState, FormData>(login, { error: refused });
  return (
    <form action={action}>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <label>Email <input name="email" type="text" autoComplete="username" required autoFocus /></label>
      <label>Password <input name="password" type="password" autoComplete="current-password" required /></label>
      {state.error && <p className="error" role="alert">{state.error}</p>}
      <button type="submit" className="primary" disabled={pending}>{pending ? 'Logging in…' : 'Log in'}</button>
    </form>
  );
}
