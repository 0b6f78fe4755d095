import type { ZodType, z } from 'zod';
import { describeZodError, isTandemError } from '../../lib/errors';
import { currentUser } from '../auth/current';
import { runtime, type Runtime } from '../runtime';
import type { Principal } from '../services/access';

export interface ActionState {
  error?: string;
  ok?: string;
  /** What was submitted (secrets left out), so a form can show it again after an error. */
  values?: Record<string, string>;
}

const SECRET = /password|token|secret/i;

/**
 * The one wrapper for server actions (the form twin of `route`): session
 * check, zod parse of the form fields, and a typed error for the form to show
 * instead of a thrown exception.
 */
export function validatedAction<S extends ZodType>(schema: S, fn: (input: z.infer<S>, ctx: { principal: Principal; rt: Runtime }) => Promise<string>, opts: { sentences?: boolean } = {}) {
  return async (_prev: ActionState, form: FormData): Promise<ActionState> => {
    const values = Object.fromEntries([...form].filter(([k, v]) => typeof v === 'string' && !SECRET.test(k) && !k.startsWith('$')) as [string, string][]);
    const user = await currentUser();
    if (!user) return { error: 'Your session ended: log in again.', values };
    const parsed = schema.safeParse(Object.fromEntries(form));
    if (!parsed.success) {
      // A form whose messages are whole sentences naming their field shows them as they are, not behind a schema path.
      return { error: opts.sentences ? parsed.error.issues.slice(0, 3).map((i) => i.message).join(' ') : describeZodError(parsed.error), values };
    }
    try {
      return { ok: await fn(parsed.data, { principal: user.principal, rt: runtime() }) };
    } catch (e) {
      if (isTandemError(e)) return { error: e.message, values };
      runtime().log.error({ err: e }, 'server action failed');
      return { error: 'Internal error; see the server log.', values };
    }
  };
}
