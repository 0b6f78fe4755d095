import { describeWait } from './throttle';

/**
 * What a refused login says, from the code Auth.js carries (in a thrown
 * CredentialsSignin to the login action, or as `?code=` in the redirect of
 * POST /api/auth/callback/credentials).
 */
export function throttledCode(waitMs: number): string {
  return `throttled_${Math.max(1, Math.ceil(waitMs / 1000))}`;
}

export function loginErrorMessage(code: string | undefined): string {
  const m = /^throttled_(\d{1,7})$/.exec(code ?? '');
  if (m) return `Too many failed logins: try again in ${describeWait(Number(m[1]) * 1000)}.`;
  return 'Wrong email or password.';
}
