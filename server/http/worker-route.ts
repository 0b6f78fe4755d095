import { z, type ZodType } from 'zod';
import { describeZodError, TandemError } from '../../lib/errors';
import { runtime, type Runtime } from '../runtime';
import type { WorkerPrincipal } from '../services/training';
import { errorResponse, hasBody } from './route';
import { DEFAULT_MAX_BODY_BYTES, readBodyText, requireJsonBody } from './request-guard';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

/**
 * The wrapper for worker-protocol route handlers: the twin of `route`, with a
 * worker token instead of a session. Same parsing, same error shape.
 */
export function workerRoute<P extends ZodType = ZodType<Record<string, never>>, B extends ZodType = ZodType<undefined>, Q extends ZodType = ZodType<undefined>>(
  spec: { params?: P; body?: B; query?: Q; /** Largest body read; the configured default unless the route needs more. */ maxBodyBytes?: number },
  handler: (ctx: { worker: WorkerPrincipal; params: z.infer<P>; body: z.infer<B>; query: z.infer<Q>; rt: Runtime; req: Request }) => Promise<unknown>,
): Handler {
  return async (req, ctx) => {
    const requestId = req.headers.get('x-request-id') ?? undefined;
    try {
      const rt = runtime();
      const auth = req.headers.get('authorization');
      const worker = await rt.services.training.authenticate(auth?.startsWith('Bearer ') ? auth.slice(7).trim() : null);
      const params = spec.params ? parse(spec.params, await ctx.params, 'path') : {};
      const query = spec.query ? parse(spec.query, Object.fromEntries(new URL(req.url).searchParams), 'query') : undefined;
      let body: unknown;
      const sent = hasBody(req.headers.get('content-length'), req.headers.get('transfer-encoding'));
      if (spec.body || sent) requireJsonBody(req.headers.get('content-type'), sent);
      if (spec.body) {
        const text = await readBodyText(req.body, spec.maxBodyBytes ?? rt.config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
        let json: unknown;
        try {
          json = JSON.parse(text || '{}');
        } catch {
          throw new TandemError('bad_request', 'the request body is not valid JSON (a truncated upload?)');
        }
        body = parse(spec.body, json, 'body');
      }
      const result = await handler({ worker, params: params as z.infer<P>, body: body as z.infer<B>, query: query as z.infer<Q>, rt, req });
      if (result instanceof Response) return result;
      return Response.json(result ?? { ok: true });
    } catch (e) {
      return errorResponse(e, requestId);
    }
  };
}

function parse<T extends ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new TandemError('bad_request', `bad ${where}: ${describeZodError(r.error)}`);
  return r.data;
}
