import { z, type ZodType } from 'zod';
import { describeZodError, isTandemError, sentencesOf, TandemError, type ErrorBody } from '../../lib/errors';
import { runtime, type Runtime } from '../runtime';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { principalFromRequest } from '../auth/principal';
import { remoteAddressOf } from './remote-address';
import { requireProject, type Principal } from '../services/access';
import { answerBeforeBody, DEFAULT_MAX_BODY_BYTES, dropRestOfBody, readBodyBytes, readNodeBodyBytes, requireJsonBody } from './request-guard';
import type { Action } from '../../lib/roles';

interface RouteSpec<P extends ZodType, B extends ZodType> {
  params?: P;
  body?: B;
  /** Largest body read; the configured default (TANDEM_MAX_BODY_BYTES) unless the route needs more. */
  maxBodyBytes?: number;
  /** Also take a text/plain body as JSON: only for what a closing tab sends by beacon (Chromium refuses a JSON beacon). */
  acceptTextBody?: boolean;
  /**
   * Whether the caller must be able to see the project named by `params.projectId` before the
   * body is read (default true). The hot routes opt out: their handler's access check travels
   * with the claim's own reads, and a separate one first would cost every label a round trip.
   */
  projectAccessFirst?: boolean;
  /** What the caller must be allowed in the project before the body is read (default project.view). */
  access?: Action;
  /**
   * A body that is not JSON, for uploads only: the content types taken (each refused one gets a
   * 415 naming `expected`), read as bytes up to `maxBodyBytes` and handed over unparsed as `raw`.
   */
  raw?: { types: RegExp; expected: string; maxBodyBytes: number; tooLarge?: string };
  /** The body schema's messages are sentences for the person at a form: a refusal carries them without field paths. */
  sentences?: boolean;
  /** No session needed (accepting an invite): the handler gets a null principal when there is none. */
  public?: boolean;
}

interface RouteContext<P, B> {
  principal: Principal;
  params: P;
  body: B;
  /** The unparsed body of a `raw` route. */
  raw?: { bytes: Buffer; contentType: string };
  /** The query string's parameters as text (a repeated name joined with commas); the service parses them. */
  query: Record<string, string>;
  /** The web request, under Next.js only (the custom server's hot routes have none). */
  req?: Request;
  rt: Runtime;
  /** Adds a phase to the response's Server-Timing header (e.g. a claim's plan and commit). */
  timing(name: string, ms: number): void;
}

type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

/** What a route needs of a request, whichever server received it. */
interface RouteInput {
  /** The caller, by the session check of the server that received the request. */
  principal: () => Promise<Principal | null>;
  params: Record<string, string | string[]>;
  /** The request's path and query (`/api/…?a=1`), for the query string. */
  url: string;
  /** The body, read with at most `limit` bytes (413 past it). */
  bytes: (limit: number) => Promise<Buffer>;
  contentType: string | null;
  /** Whether the request carries a body at all (a length above zero, or chunked). */
  hasBody: boolean;
  requestId?: string;
  req?: Request;
}

/** A route handler for Next.js (`export const POST = …`) that the custom server can also call on a raw Node request (`node`). */
export type Route = Handler & { node(req: IncomingMessage, res: ServerResponse, params: Record<string, string>): Promise<void> };

/**
 * Wraps a route handler: checks the session (401), parses path params and
 * the JSON body with zod (400 naming the field), runs the handler, and
 * turns a TandemError into its status and the one error shape, and logs
 * anything else with the request id instead of crashing. The same checks run
 * when the custom server calls `node` for its hottest routes without Next's
 * request machinery (see server/http/hot-routes.ts).
 */
export function route<P extends ZodType = ZodType<Record<string, never>>, B extends ZodType = ZodType<undefined>>(
  spec: RouteSpec<P, B>,
  handler: (ctx: RouteContext<z.infer<P>, z.infer<B>>) => Promise<unknown>,
): Route {
  const run = async (input: RouteInput): Promise<Answer> => {
    try {
      const rt = runtime();
      const authStarted = performance.now();
      // A public route does not ask: its handler must not depend on who calls.
      const principal = spec.public ? null : await input.principal();
      const auth = `auth;dur=${(performance.now() - authStarted).toFixed(2)}`;
      if (!principal && !spec.public) throw new TandemError('unauthenticated', 'log in first (POST /api/auth/callback/credentials or the /login page)');
      const params = spec.params ? parse(spec.params, input.params, 'path') : {};
      const projectId = (params as { projectId?: unknown }).projectId;
      if (principal && (spec.body || spec.raw) && spec.projectAccessFirst !== false && typeof projectId === 'number') {
        // A stranger's body is not read at all: membership is cheaper than the body.
        await requireProject(rt.database.db, principal, projectId, spec.access ?? 'project.view');
      }
      let body: unknown;
      let raw: RouteContext<unknown, unknown>['raw'];
      if (spec.raw) {
        if (!input.contentType || !spec.raw.types.test(input.contentType)) {
          throw new TandemError('unsupported_media_type', `send ${spec.raw.expected}${input.contentType ? `, not ${input.contentType.split(';')[0].slice(0, 100)}` : ''}`);
        }
        const { tooLarge } = spec.raw;
        const bytes = await input.bytes(spec.raw.maxBodyBytes).catch((e: unknown) => {
          throw tooLarge && isTandemError(e) && e.code === 'too_large' ? new TandemError('too_large', tooLarge) : e;
        });
        raw = { bytes, contentType: input.contentType };
      } else if (spec.body || input.hasBody) requireJsonBody(input.contentType, input.hasBody, spec.acceptTextBody);
      if (spec.body) {
        const text = (await input.bytes(spec.maxBodyBytes ?? rt.config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)).toString('utf8');
        let json: unknown = {};
        if (text.trim() !== '') {
          try {
            json = JSON.parse(text);
          } catch {
            throw new TandemError('bad_request', 'the request body is not valid JSON');
          }
        }
        body = parse(spec.body, json, 'body', spec.sentences);
      }
      const started = performance.now();
      const phases: string[] = [];
      const addTiming = (name: string, ms: number) => { phases.push(`${name};dur=${ms.toFixed(2)}`); };
      const result = await handler({ principal: principal as Principal, params: params as z.infer<P>, body: body as z.infer<B>, raw, query: queryOf(input.url), req: input.req, rt, timing: addTiming });
      // The session check's time, the handler's own (parsing excluded) and its phases, for benchmarks and browser dev tools.
      const timing = [auth, `app;dur=${(performance.now() - started).toFixed(2)}`, ...phases].join(', ');
      if (result instanceof Response) {
        result.headers.set('server-timing', timing);
        return result;
      }
      return { status: 200, json: result ?? { ok: true }, timing };
    } catch (e) {
      return errorAnswer(e, input.requestId);
    }
  };
  const next: Handler = async (req, ctx) => {
    // Loaded here, not at the top: the custom server imports this module for `node`, and next/headers refuses to load outside Next.
    const { currentUser } = await import('../auth/current');
    return responseOf(await run({
      principal: async () => (await currentUser())?.principal ?? null, params: await ctx.params, url: req.url,
      bytes: (limit) => readBodyBytes(req.body, limit), contentType: req.headers.get('content-type'), hasBody: hasBody(req.headers.get('content-length'), req.headers.get('transfer-encoding')),
      requestId: req.headers.get('x-request-id') ?? undefined, req,
    }));
  };
  const node = async (req: IncomingMessage, res: ServerResponse, params: Record<string, string>) => {
    const id = req.headers['x-request-id'];
    const answer = await run({
      principal: () => principalFromRequest(req, runtime().config.authSecret, runtime().services.users), params, url: req.url ?? '/',
      bytes: (limit) => readNodeBodyBytes(req, limit), contentType: req.headers['content-type'] ?? null,
      hasBody: hasBody(req.headers['content-length'], req.headers['transfer-encoding']), requestId: typeof id === 'string' ? id : undefined,
    });
    answerBeforeBody(req, res);
    dropRestOfBody(req);
    if (answer instanceof Response) {
      res.statusCode = answer.status;
      answer.headers.forEach((value, key) => res.setHeader(key, value));
      res.end(Buffer.from(await answer.arrayBuffer()));
      return;
    }
    // Written as it is, without a web Response's streams in between: every claim and label comes this way.
    res.statusCode = answer.status;
    res.setHeader('content-type', 'application/json');
    if (answer.timing) res.setHeader('server-timing', answer.timing);
    res.end(JSON.stringify(answer.json));
  };
  return Object.assign(next, { node });
}

/**
 * A route anyone may call, logged in or not (accepting an invite): the same parsing and error
 * shape as `route`, and the client's address as the custom server stamped it, for throttling.
 */
export function publicRoute<P extends ZodType = ZodType<Record<string, never>>, B extends ZodType = ZodType<undefined>>(
  spec: Omit<RouteSpec<P, B>, 'public' | 'projectAccessFirst'>,
  handler: (ctx: Omit<RouteContext<z.infer<P>, z.infer<B>>, 'principal'> & { address: string | null }) => Promise<unknown>,
): Route {
  return route({ ...spec, public: true, projectAccessFirst: false }, ({ principal: _, ...ctx }) => handler({ ...ctx, address: remoteAddressOf(ctx.req?.headers) }));
}

/** The query string's parameters; a name given twice (`?status=open&status=disputed`) is one comma-separated value. */
export function queryOf(url: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of new URL(url, 'http://tandem.invalid').searchParams) out[k] = k in out ? `${out[k]},${v}` : v;
  return out;
}

/** Whether a request carries a body: a length above zero, or a chunked one. */
export function hasBody(contentLength: string | null | undefined, transferEncoding: string | null | undefined): boolean {
  return (contentLength !== null && contentLength !== undefined && contentLength !== '0') || !!transferEncoding;
}

function parse<T extends ZodType>(schema: T, value: unknown, where: string, sentences = false): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new TandemError('bad_request', sentences ? sentencesOf(r.error) : `bad ${where}: ${describeZodError(r.error)}`);
  return r.data;
}

/** A JSON answer (or a handler's own Response), written by whichever server received the request. */
type Answer = Response | { status: number; json: unknown; timing?: string };

function responseOf(a: Answer): Response {
  if (a instanceof Response) return a;
  return Response.json(a.json, { status: a.status, headers: a.timing ? { 'server-timing': a.timing } : undefined });
}

export function errorResponse(e: unknown, requestId?: string): Response {
  return responseOf(errorAnswer(e, requestId));
}

function errorAnswer(e: unknown, requestId?: string): Answer {
  if (isTandemError(e)) return { status: e.status, json: e.toBody() };
  if (e instanceof z.ZodError) {
    return { status: 400, json: { error: { code: 'bad_request', message: describeZodError(e) } } satisfies ErrorBody };
  }
  try {
    runtime().log.error({ err: e, requestId }, 'unhandled error in a route handler');
  } catch {
    // No runtime (a misconfigured start): the error still gets its response below.
  }
  const body: ErrorBody = { error: { code: 'internal', message: `internal error${requestId ? ` (request ${requestId})` : ''}; see the server log` } };
  return { status: 500, json: body };
}
