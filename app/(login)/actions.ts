'use server';

import { AuthError } from 'next-auth';
import { signIn, signOut } from '@/server/auth/nextauth';

export interface LoginState {
  error?: string;
}

export async function login(_prev: LoginState, form: FormData): Promise<LoginState> {
  const callbackUrl = String(form.get('callbackUrl') ?? '/');
  try {
    await signIn('credentials', {
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
      // Only same-site paths: a crafted link must not bounce a user elsewhere after login.
      redirectTo: callbackUrl.startsWith('/') && !callbackUrl.startsWith('//') ? callbackUrl : '/',
    });
    return {};
  } catch (e) {
    if (e instanceof AuthError) return { error: 'Wrong email or password.' };
    throw e; // the redirect after a successful login
  }
}

export async function logout(): Promise<void> {
  await signOut({ redirectTo: '/login' });
}
