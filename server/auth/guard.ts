import { notFound, redirect } from 'next/navigation';
import { isTandemError } from '../../lib/errors';
import { parseId } from '../../lib/protocol/ids';
import { runtime } from '../runtime';
import { currentUser } from './current';

/** For pages: the logged-in user, or a redirect to the login page that comes back here. */
export async function requireUser(returnTo: string) {
  const user = await currentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}

/**
 * For a project's pages: the logged-in user (else the login page), the project id from the path
 * and the project as the user may see it; a malformed id or a project they cannot see is the 404 page.
 */
export async function requireProjectPage(projectId: string, page: string) {
  const user = await requireUser(`/projects/${projectId}/${page}`);
  const id = parseId(projectId, 'serial');
  if (id === null) notFound();
  const project = await runtime().services.projects.get(user.principal, id).catch((e) => {
    if (isTandemError(e)) notFound();
    throw e;
  });
  return { user, id, project };
}
