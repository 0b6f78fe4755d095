import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';
import { MembershipChange } from '@/lib/protocol/admin';

export const dynamic = 'force-dynamic';

export const GET = route({ params: ProjectParams }, async ({ principal, params, rt }) => ({
  members: await rt.services.projects.members(principal, params.projectId),
}));

/** Sets a user's role in the project; `role: null` removes them. Admins only. */
export const PUT = route({ params: ProjectParams, body: MembershipChange }, async ({ principal, params, body, rt }) => {
  await rt.services.projects.setMember(principal, params.projectId, body.userId, body.role);
  return { ok: true };
});
