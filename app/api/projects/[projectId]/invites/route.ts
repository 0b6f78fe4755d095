import { z } from 'zod';
import { route } from '@/server/http/route';
import { ProjectParams } from '@/lib/protocol/labeling';

export const dynamic = 'force-dynamic';

/** The members panel: members with their roles and the invites still open (leads and admins). */
export const GET = route({ params: ProjectParams }, async ({ principal, params, rt }) => rt.services.members.list(principal, params.projectId));

/**
 * Invites someone by email (`{email, role, method: 'link' | 'password', name?, password?}`): a
 * one-time link (its token is in this answer only), or, for admins, an account made now with the
 * password they set. A person who has an account already is added at once. The service parses
 * the body, so its refusals are the form's sentences.
 */
export const POST = route({ params: ProjectParams, body: z.unknown() }, async ({ principal, params, body, rt }) => rt.services.members.invite(principal, params.projectId, body as never));
