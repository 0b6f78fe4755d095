import { route } from '@/server/http/route';
import { InviteParams } from '@/lib/protocol/members';

/** Withdraws an open invite: its link stops working. */
export const DELETE = route({ params: InviteParams }, async ({ principal, params, rt }) => {
  await rt.services.members.revoke(principal, params.projectId, params.inviteId);
  return { ok: true };
});
