'use client';

import { useParams } from 'next/navigation';
import type { ProjectRole, UserRole } from '@/lib/roles';

interface Props {
  email: string;
  userRole: UserRole;
  /** The user's role in each project they belong to (empty for an admin: admin everywhere). */
  projectRoles: Record<number, ProjectRole>;
}

/**
 * Who is logged in and what they may do here: in a project, their role in it (admin, lead,
 * annotator); elsewhere only an admin's role is worth saying. The layout above does not
 * re-render on navigation, so the project comes from the URL here.
 */
export function WhoAmI({ email, userRole, projectRoles }: Props) {
  const params = useParams<{ projectId?: string }>();
  const projectId = params?.projectId ? Number(params.projectId) : null;
  const role = userRole === 'admin' ? 'admin' : projectId !== null ? projectRoles[projectId] : undefined;
  return (
    <span className="muted" data-testid="whoami">
      {email}
      {role && <> <span className="role-tag" data-testid="whoami-role" title={projectId !== null ? 'your role in this project' : 'your role on this server'}>{role}</span></>}
    </span>
  );
}
