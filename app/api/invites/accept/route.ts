import { publicRoute } from '@/server/http/route';
import { AcceptInvite } from '@/lib/protocol/members';

/**
 * Uses an invite link (`{token, name, password}`), logged in or not: makes the invitee a user and a
 * member with the invited role. Throttled per client address, like logins (guessing tokens).
 */
export const POST = publicRoute({ body: AcceptInvite, sentences: true }, async ({ body, address, rt }) => {
  const made = await rt.services.members.accept(body, address);
  return { email: made.email, projectId: made.projectId, role: made.role };
});
