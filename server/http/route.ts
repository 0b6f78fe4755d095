import { z, type ZodType } from 'zod';
import { describeZodError, isTandemError, TandemError, type ErrorBody } from '../../lib/errors';
import { runtime, type Runtime } from '../runtime';
import { currentUser } from '../auth/current';
import type { Principal } from '../services/access';

interface RouteSpec<P extends ZodType, B extends ZodType> {
  params?: P;
  body?: B;
}

interface RouteContext<P, B> {
  principal: Principal;
  params: P;
  body: B;
  req: Request;
  rt: Runtime;
  /** Adds a phase to the response's Server-Timing header (e.g. a claim's plan and commit). */
  timing(name: string, ms: number): void;
}

type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

/**
 * The one wrapper every API route handler goes through: it checks the session
 * (401), parses params and body with zod (400 with the field and the problem),
 * turns a TandemError into its status and the one error shape, and logs
 * anything else with the request id instead of crashing.
 */
export function route<P extends ZodType = ZodType<Record<string, never>>, B extends ZodType = ZodType<undefined>>(
  spec: RouteSpec<P, B>,
  handler: (ctx: RouteContext<z.infer<P>, z.infer<B>>) => Promise<unknown>,
): Handler {
  return async (req, ctx) => {
    const requestId = req.headers.get('x-request-id') ?? undefined;
    try {
      const authStarted = performance.now();
      const user = await currentUser();
      const auth = `auth;dur=${(performance.now() - authStarted).toFixed(2)}`;
      if (!user) throw new TandemError('unauthenticated', 'log in first (POST /api/auth/callback/credentials or the /login page)');
      const params = spec.params ? parse(spec.params, await ctx.params, 'path') : {};
      let body: unknown;
      if (spec.body) {
        const text = await req.text();
        let json: unknown = {};
        if (text.trim() !== '') {
          try {
            json = JSON.parse(text);
          } catch {
            throw new TandemError('bad_request', 'the request body is not valid JSON');
          }
        }
        body = parse(spec.body, json, 'body');
      }
      const started = performance.now();
      const phases: string[] = [];
      const addTiming = (name: string, ms: number) => { phases.push(`${name};dur=${ms.toFixed(2)}`); };
      const result = await handler({ principal: user.principal, params: params as z.infer<P>, body: body as z.infer<B>, req, rt: runtime(), timing: addTiming });
      // The session check's time, the handler's own (parsing excluded) and its phases, for benchmarks and browser dev tools.
      const timing = [auth, `app;dur=${(performance.now() - started).toFixed(2)}`, ...phases].join(', ');
      if (result instanceof Response) {
        result.headers.set('server-timing', timing);
        return result;
      }
      return Response.json(result ?? { ok: true }, { headers: { 'server-timing': timing } });
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

export function errorResponse(e: unknown, requestId?: string): Response {
  if (isTandemError(e)) return Response.json(e.toBody(), { status: e.status });
  if (e instanceof z.ZodError) {
    return Response.json({ error: { code: 'bad_request', message: describeZodError(e) } } satisfies ErrorBody, { status: 400 });
  }
  try {
    runtime().log.error({ err: e, requestId }, 'unhandled error in a route handler');
  } catch {
    // No runtime (a misconfigured start): the error still gets its response below.
  }
  const body: ErrorBody = { error: { code: 'internal', message: `internal error${requestId ? ` (request ${requestId})` : ''}; see the server log` } };
  return Response.json(body, { status: 500 });
}
