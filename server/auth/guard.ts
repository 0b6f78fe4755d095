import { redirect } from 'next/navigation';
import { currentUser } from './current';

/** For pages: the logged-in user, or a redirect to the login page that comes back here. */
export async function requireUser(returnTo: string) {
  const user = await currentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}
