import crypto from 'node:crypto';
import type { Db, Executor } from '../../db/client';
import { claimInvite, findInviteByHash, insertInvite, listOpenInvites, revokeInvite, setInviteUser, type InviteRow } from '../../db/queries/invites';
import { findMembership, listMembers, upsertMembership } from '../../db/queries/projects';
import { findUserByEmail, insertUser } from '../../db/queries/users';
import { describeWait, INVITE_POLICY } from '../../lib/auth/throttle';
import { parseSentences, TandemError } from '../../lib/errors';
import { INVITE_STATE_TEXT, INVITE_TTL_MS, inviteRefusal, inviteState } from '../../lib/members/rules';
import { AcceptInvite, InviteRequest, InviteToken } from '../../lib/protocol/members';
import type { ProjectRole } from '../../lib/roles';
import { createLoginThrottle, type LoginThrottle } from '../auth/login-throttle';
import { requireProject, type Principal } from './access';
import { isUniqueViolation } from './pg-errors';
import type { ProjectService } from './projects';
import { passwords } from './passwords';

/** Only the hash of a token is stored: a leaked database row does not open the door. */
export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** What inviting someone did. */
export type InviteOutcome =
  /** A link to hand over (shown once; the server keeps only its hash). */
  | { kind: 'link'; token: string; invite: { id: number; email: string; role: ProjectRole; expiresAt: Date } }
  /** The person had an account already, or the admin set a password: they are a member now. */
  | { kind: 'member'; created: boolean; member: { userId: number; email: string; name: string; role: ProjectRole } };

/** What the invite page may say about a link before it is used. */
export type InvitePreview =
  | { state: 'open'; email: string; role: ProjectRole; projectName: string; expiresAt: Date }
  | { state: 'closed'; message: string }
  | { state: 'throttled'; waitMs: number };

/**
 * The members panel of a project: who is in it with which role, inviting people by a one-time
 * link or with a password the admin sets, and accepting a link. Role changes and removals go
 * through the project service, whose listeners re-check the member's open connections at once.
 * Accepting and previewing links is throttled per client address (guessing tokens).
 */
export function createMemberService(db: Db, deps: { projects: ProjectService; throttle?: LoginThrottle; now?: () => Date; inviteTtlMs?: number }) {
  const now = deps.now ?? (() => new Date());
  const throttle = deps.throttle ?? createLoginThrottle({ account: INVITE_POLICY, address: INVITE_POLICY, now: () => now().getTime() });

  async function list(p: Principal, projectId: number) {
    const { projectRole } = await requireProject(db, p, projectId, 'project.members');
    const [members, invites] = await Promise.all([listMembers(db, projectId), listOpenInvites(db, projectId, now())]);
    return { members, invites, viewer: { admin: p.role === 'admin', role: projectRole } };
  }

  async function invite(p: Principal, projectId: number, input: InviteRequest): Promise<InviteOutcome> {
    const v = parseSentences(InviteRequest, input);
    const { projectRole } = await requireProject(db, p, projectId, 'project.view');
    const refusal = inviteRefusal({ userRole: p.role, projectRole }, v.role, v.method);
    if (refusal) throw new TandemError('forbidden', refusal);
    const existing = await findUserByEmail(db, v.email);
    if (existing) {
      // Someone with an account is added at once: a link would only make them a second account.
      const from = await findMembership(db, projectId, existing.id);
      if (from === v.role) throw new TandemError('conflict', `${existing.email} is already ${v.role === 'lead' ? 'a lead' : 'an annotator'} in this project.`);
      if (from !== null) throw new TandemError('conflict', `${existing.email} is already a member (${from}): change their role in the list instead.`);
      await deps.projects.setMember(p, projectId, existing.id, v.role);
      return { kind: 'member', created: false, member: { userId: existing.id, email: existing.email, name: existing.name, role: v.role } };
    }
    if (v.method === 'password') {
      const passwordHash = await passwords.hash(v.password!);
      const name = v.name ?? v.email.split('@')[0];
      try {
        const user = await db.transaction(async (tx) => {
          const u = await insertUser(tx, { email: v.email, name, passwordHash, role: 'user' });
          await upsertMembership(tx, projectId, u.id, v.role);
          return u;
        });
        deps.projects.memberChanged(user.id, projectId);
        return { kind: 'member', created: true, member: { userId: user.id, email: user.email, name: user.name, role: v.role } };
      } catch (e) {
        if (isUniqueViolation(e)) throw new TandemError('conflict', `An account for ${v.email} was made meanwhile: invite them again to add it.`);
        throw e;
      }
    }
    const token = crypto.randomBytes(32).toString('base64url');
    const row = await insertInvite(db, {
      tokenHash: hashToken(token), projectId, email: v.email, role: v.role, invitedBy: p.userId || null,
      expiresAt: new Date(now().getTime() + (deps.inviteTtlMs ?? INVITE_TTL_MS)),
    });
    return { kind: 'link', token, invite: { id: row.id, email: row.email, role: row.role, expiresAt: row.expiresAt } };
  }

  async function revoke(p: Principal, projectId: number, inviteId: number): Promise<void> {
    await requireProject(db, p, projectId, 'project.members');
    if (!(await revokeInvite(db, projectId, inviteId, now()))) {
      throw new TandemError('not_found', 'That invite was used, withdrawn or never existed: reload the page.');
    }
  }

  /** Why a stored link no longer works, or the open invite with its project. */
  async function lookup(ex: Executor, tokenHash: string): Promise<{ kind: 'closed'; message: string } | { kind: 'open'; row: InviteRow }> {
    const row = await findInviteByHash(ex, tokenHash);
    if (!row) return { kind: 'closed', message: INVITE_STATE_TEXT.unknown };
    const state = inviteState(row, now());
    if (state !== 'open') return { kind: 'closed', message: INVITE_STATE_TEXT[state] };
    return { kind: 'open', row };
  }

  /** What the invite page shows for a link; an unknown link counts against the address, as a wrong accept does. */
  async function preview(token: string, address: string | null): Promise<InvitePreview> {
    const attempt = throttle.attempt(`invite:${address ?? 'unknown'}`, address);
    if (attempt.kind === 'throttled') return { state: 'throttled', waitMs: attempt.waitMs };
    let ok = false;
    try {
      if (!InviteToken.safeParse(token).success) return { state: 'closed', message: INVITE_STATE_TEXT.unknown };
      const found = await lookup(db, hashToken(token));
      if (found.kind === 'closed') return { state: 'closed', message: found.message };
      ok = true;
      const project = await deps.projects.resolve(String(found.row.projectId));
      return { state: 'open', email: found.row.email, role: found.row.role, projectName: project.name, expiresAt: found.row.expiresAt };
    } finally {
      attempt.settle(ok);
    }
  }

  /** Uses the link: makes the invitee a user with this name and password and a member with the invited role. */
  async function accept(input: AcceptInvite, address: string | null): Promise<{ userId: number; email: string; projectId: number; role: ProjectRole }> {
    // A bad name or password is a typo, not a guess: refused before the throttle counts anything.
    const v = parseSentences(AcceptInvite, input);
    const attempt = throttle.attempt(`invite:${address ?? 'unknown'}`, address);
    if (attempt.kind === 'throttled') {
      throw new TandemError('rate_limited', `Too many invite links were tried from here. Try again in ${describeWait(attempt.waitMs)}.`);
    }
    let ok = false;
    try {
      const tokenHash = hashToken(v.token);
      const passwordHash = await passwords.hash(v.password);
      const made = await db.transaction(async (tx) => {
        const row = await claimInvite(tx, tokenHash, now());
        if (!row) {
          const found = await lookup(tx, tokenHash);
          throw new TandemError('not_found', found.kind === 'closed' ? found.message : INVITE_STATE_TEXT.used);
        }
        if (await findUserByEmail(tx, row.email)) {
          throw new TandemError('conflict', `An account for ${row.email} exists already: log in with it and ask for the project to be added to it.`);
        }
        const user = await insertUser(tx, { email: row.email, name: v.name, passwordHash, role: 'user' });
        await upsertMembership(tx, row.projectId, user.id, row.role);
        await setInviteUser(tx, row.id, user.id);
        return { userId: user.id, email: user.email, projectId: row.projectId, role: row.role };
      });
      ok = true;
      deps.projects.memberChanged(made.userId, made.projectId);
      return made;
    } catch (e) {
      if (isUniqueViolation(e)) throw new TandemError('conflict', 'An account with this email was made meanwhile: log in with it instead.');
      throw e;
    } finally {
      attempt.settle(ok);
    }
  }

  return { list, invite, revoke, preview, accept };
}

export type MemberService = ReturnType<typeof createMemberService>;
