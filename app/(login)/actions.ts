'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
import { signIn, signOut } from '@/server/auth/nextauth';
import { loginErrorMessage } from '@/lib/auth/login-messages';

export interface LoginState {
  error?: string;
  /** The email of a refused login, to fill the form in again. */
  email?: string;
}

export async function login(_prev: LoginState, form: FormData): Promise<LoginState> {
  const callbackUrl = String(form.get('callbackUrl') ?? '/');
  const email = String(form.get('email') ?? '').slice(0, 200);
  try {
    await signIn('credentials', {
      email,
      password: String(form.get('password') ?? ''),
      // Only same-site paths: a crafted link must not bounce a user elsewhere after login.
      redirectTo: callbackUrl.startsWith('/') && !callbackUrl.startsWith('//') ? callbackUrl : '/',
    });
    return {};
  } catch (e) {
    // A throttled login says how long to wait (its code carries the wait).
    if (e instanceof CredentialsSignin) return { error: loginErrorMessage(e.code), email };
    if (e instanceof AuthError) return { error: loginErrorMessage(undefined), email };
    throw e; // the redirect after a successful login
  }
}

/** Ends the session on every device (Auth.js's signOut event raises the user's session version). */
export async function logout(): Promise<void> {
  await signOut({ redirectTo: '/login' });
}
