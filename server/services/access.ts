import type { Db } from '../../db/client';
import { findProject, findProjectWithRole, type ProjectRow } from '../../db/queries/projects';
import { TandemError } from '../../lib/errors';
import { can, type Action, type ProjectRole, type UserRole } from '../../lib/roles';

/** The authenticated caller, as the session (or a CLI run) describes them. */
export interface Principal {
  userId: number;
  role: UserRole;
}

/** The CLI runs with the machine owner's authority (it can read the data folder anyway). */
export const SYSTEM: Principal = { userId: 0, role: 'admin' };

export function requireGlobal(p: Principal, action: Action): void {
  if (!can({ userRole: p.role, projectRole: null }, action)) {
    throw new TandemError('forbidden', `your role (${p.role}) may not ${action}`);
  }
}

/**
 * Loads the project and checks the caller may do `action` in it. A project the
 * caller cannot even see answers 404, so project ids do not leak.
 */
export async function requireProject(db: Db, p: Principal, projectId: number, action: Action): Promise<{ project: ProjectRow; projectRole: ProjectRole | null }> {
  const found = p.role === 'admin' ? { project: await findProject(db, projectId), role: null } : await findProjectWithRole(db, projectId, p.userId);
  const project = found?.project;
  const projectRole = checkProjectAccess(p, projectId, action, project ? found : undefined);
  return { project: project!, projectRole };
}

/**
 * The check `requireProject` makes, on a project and role read elsewhere (undefined: no such
 * project): the caller's role in it, or the error for a caller who may not do `action`.
 */
export function checkProjectAccess(p: Principal, projectId: number, action: Action, found: { role: ProjectRole | null } | undefined): ProjectRole | null {
  // An admin acts as an admin in every project, member or not.
  const projectRole = p.role === 'admin' ? null : found?.role ?? null;
  if (!found || !can({ userRole: p.role, projectRole }, 'project.view')) {
    throw new TandemError('not_found', `project ${projectId} does not exist or you are not a member`);
  }
  if (!can({ userRole: p.role, projectRole }, action)) {
    throw new TandemError('forbidden', `your role in this project (${projectRole ?? p.role}) may not ${action}`);
  }
  return projectRole;
}
