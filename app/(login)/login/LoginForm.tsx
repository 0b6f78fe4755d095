'use client';

import { useActionState } from 'react';
import { login, type LoginState } from '../actions';

export function LoginForm({ callbackUrl, refused, email }: { callbackUrl: string; refused?: string; email?: string }) {
  const [state, action, pending] = useActionState<LoginState, FormData>(login, { error: refused, email });
  return (
    <form action={action}>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      {/* React resets a form after its action: the refused email comes back as the new default, so only the password is typed again. */}
      <label>Email <input name="email" type="text" autoComplete="username" required autoFocus={!state.email} defaultValue={state.email} key={state.email ?? ''} /></label>
      <label>Password <input name="password" type="password" autoComplete="current-password" required autoFocus={!!state.email} /></label>
      {state.error && <p className="error" role="alert">{state.error}</p>}
      <button type="submit" className="primary" disabled={pending}>{pending ? 'Logging in…' : 'Log in'}</button>
    </form>
  );
}
