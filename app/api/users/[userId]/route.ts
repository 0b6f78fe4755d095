import { route } from '@/server/http/route';
import { UserParams, UserRoleChange } from '@/lib/protocol/admin';

export const PATCH = route({ params: UserParams, body: UserRoleChange }, async ({ principal, params, body, rt }) => {
  await rt.services.users.setRole(principal, params.userId, body.role);
  return { ok: true };
});
