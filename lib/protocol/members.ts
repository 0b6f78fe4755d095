import { z } from 'zod';
import { PROJECT_ROLES } from '../roles';
import { SerialIdParam } from './ids';
import { StoredText } from './stored';

/**
 * Bodies of the members panel and the invite link. Every message is a sentence for the person
 * at the form (the routes pass them on as they are), not a schema path.
 */

export const MemberEmail = StoredText.trim().toLowerCase()
  .min(1, 'Enter the email address of the person to invite.')
  .max(200, 'An email address is at most 200 characters.')
  .regex(/^[^\s@<>]+@[^\s@<>]+$/, 'That is not an email address: it needs a name, an @ and a domain, without spaces.');

/** A person's name as others will see it: plain text (markup is refused, not stored for later escaping). */
export const PersonName = StoredText.trim()
  .min(1, 'Enter a name.')
  .max(100, 'A name is at most 100 characters.')
  .refine((s) => !/[<>]/.test(s), 'A name cannot contain < or >: write it as plain text.');

export const NewPasswordText = z.string({ error: 'Choose a password of at least 8 characters.' })
  .min(8, 'A password needs at least 8 characters.')
  .max(200, 'A password is at most 200 characters.');

const Role = z.enum(PROJECT_ROLES, { error: 'Choose a role: lead or annotator.' });

export const InviteRequest = z.object({
  email: MemberEmail,
  role: Role,
  /** `link`: a one-time link the invitee opens to set their name and password; `password`: the account is made now (admins). */
  method: z.enum(['link', 'password'], { error: 'Choose how to invite: a link, or a password you set.' }).default('link'),
  name: PersonName.optional(),
  password: NewPasswordText.optional(),
}).strict().superRefine((v, ctx) => {
  if (v.method === 'password' && v.password === undefined) {
    ctx.addIssue({ code: 'custom', path: ['password'], message: 'Choose a password of at least 8 characters, or send a link instead.' });
  }
  if (v.method === 'link' && v.password !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['password'], message: 'A link lets the person choose their own password: leave the password empty.' });
  }
});
export type InviteRequest = z.input<typeof InviteRequest>;

/** A token is 32 random bytes in base64url: 43 characters. */
export const InviteToken = z.string({ error: 'This invite link is not valid.' }).regex(/^[A-Za-z0-9_-]{43}$/, 'This invite link is not valid. Check that you copied all of it.');

export const AcceptInvite = z.object({
  token: InviteToken,
  name: PersonName,
  password: NewPasswordText,
}).strict();
export type AcceptInvite = z.input<typeof AcceptInvite>;

export const InviteParams = z.object({ projectId: SerialIdParam, inviteId: SerialIdParam });
