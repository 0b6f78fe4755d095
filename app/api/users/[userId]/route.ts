import { z } from 'zod';
import { route } from '@/server/http/route';
import { UserRoleChange } from '@/lib/protocol/admin';

const Params = z.object({ userId: z.coerce.number().int().positive() });

export const PATCH = route({ params: Params, body: UserRoleChange }, async ({ principal, params, body, rt }) => {
  await rt.services.users.setRole(principal, params.userId, body.role);
  return { ok: true };
});
