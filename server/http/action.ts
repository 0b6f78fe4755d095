import type { ZodType, z } from 'zod';
import { describeZodError, isTandemError } from '../../lib/errors';
import { currentUser } from '../auth/current';
import { runtime, type Runtime } from '../runtime';
import type { Principal } from '../services/access';

export interface ActionState {
  error?: string;
  ok?: string;
}

/**
 * The one wrapper for server actions (the form twin of `route`): session
 * check, zod parse of the form fields, and a typed error for the form to show
 * instead of a thrown exception.
 */
export function validatedAction<S extends ZodType>(schema: S, fn: (input: z.infer<S>, ctx: { principal: Principal; rt: Runtime }) => Promise<string>) {
  return async (_prev: ActionState, form: FormData): Promise<ActionState> => {
    const user = await currentUser();
    if (!user) return { error: 'Your session ended: log in again.' };
    const parsed = schema.safeParse(Object.fromEntries(form));
    if (!parsed.success) return { error: describeZodError(parsed.error) };
    try {
      return { ok: await fn(parsed.data, { principal: user.principal, rt: runtime() }) };
    } catch (e) {
      if (isTandemError(e)) return { error: e.message };
      runtime().log.error({ err: e }, 'server action failed');
      return { error: 'Internal error; see the server log.' };
    }
  };
}
