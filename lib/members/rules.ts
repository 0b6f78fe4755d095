import { can, type ProjectRole, type UserRole } from '../roles';

/**
 * Who may change whose membership in a project. Admins may do anything; a lead runs the
 * annotators of their project (invites them, removes them) but cannot make a lead nor touch a
 * lead, themselves included, so a lead cannot lock an admin's choice of leads out or lock
 * themselves out by accident. Each refusal is a sentence for the person who tried.
 */
export interface MemberActor {
  userRole: UserRole;
  /** The actor's role in this project; null when not a member. */
  projectRole: ProjectRole | null;
}

export type InviteMethod = 'link' | 'password';

const NOT_ALLOWED = 'Only admins and this project\'s leads manage its members.';

/** Why the actor may not move a member from `from` (null: not a member) to `to` (null: removed); null when they may. */
export function memberChangeRefusal(actor: MemberActor, from: ProjectRole | null, to: ProjectRole | null): string | null {
  if (!can(actor, 'project.members')) return NOT_ALLOWED;
  if (actor.userRole === 'admin') return null;
  if (from === 'lead') return 'Only an admin can change or remove a lead.';
  if (to === 'lead') return 'Only an admin can make someone a lead.';
  return null;
}

/** Why the actor may not invite someone with `role` by `method`; null when they may. */
export function inviteRefusal(actor: MemberActor, role: ProjectRole, method: InviteMethod): string | null {
  if (!can(actor, 'project.members')) return NOT_ALLOWED;
  if (actor.userRole === 'admin') return null;
  if (role === 'lead') return 'Only an admin can invite a lead.';
  // Setting a password makes an account at once, which is the admin's power over users.
  if (method === 'password') return 'Only an admin can set a password for a new user: send a link instead.';
  return null;
}

/** How long an invite link stays usable unless the inviter says otherwise. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Where an invite stands, from its stored dates. */
export type InviteState = 'open' | 'used' | 'revoked' | 'expired';

export function inviteState(i: { usedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now: Date): InviteState {
  if (i.usedAt) return 'used';
  if (i.revokedAt) return 'revoked';
  if (i.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'open';
}

/** What the person holding a link that no longer works is told. */
export const INVITE_STATE_TEXT: Record<Exclude<InviteState, 'open'> | 'unknown', string> = {
  used: 'This invite link was used already. Log in with the account it made, or ask for a new link.',
  revoked: 'This invite was withdrawn. Ask whoever invited you for a new link.',
  expired: 'This invite link has expired. Ask whoever invited you for a new one.',
  unknown: 'This invite link is not valid. Check that you copied all of it, or ask for a new one.',
};
