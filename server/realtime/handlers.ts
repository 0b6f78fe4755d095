import type { ZodType, z } from 'zod';
import { describeZodError, isTandemError, type ErrorBody } from '../../lib/errors';
import type { Logger } from '../log';

type Ack = (reply: unknown) => void;

/**
 * The socket.io twin of the HTTP route wrapper: parse the payload with zod,
 * answer through the ack with the result or the one error shape, never throw
 * into socket.io (which would drop the connection silently).
 */
export function socketHandler<S extends ZodType>(schema: S, log: Logger, fn: (payload: z.infer<S>) => Promise<unknown>) {
  return async (payload: unknown, ack?: unknown) => {
    const reply: Ack = typeof ack === 'function' ? (ack as Ack) : () => {};
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      reply({ error: { code: 'bad_request', message: `bad payload: ${describeZodError(parsed.error)}` } } satisfies ErrorBody);
      return;
    }
    try {
      reply({ ok: true, data: await fn(parsed.data) });
    } catch (e) {
      if (isTandemError(e)) {
        reply(e.toBody());
        return;
      }
      log.error({ err: e }, 'socket handler failed');
      reply({ error: { code: 'internal', message: 'internal error; see the server log' } } satisfies ErrorBody);
    }
  };
}
