import { TandemError } from '../../lib/errors';

/** Auth.js's own rule (@auth/core assert.js): an absolute http(s) URL, or a path on this server. */
export function isHttpCallbackUrl(url: string, origin: string): boolean {
  try {
    return /^https?:$/.test(new URL(url, url.startsWith('/') ? origin : undefined).protocol);
  } catch {
    return false;
  }
}

const CALLBACK_COOKIES = ['authjs.callback-url', '__Secure-authjs.callback-url'];

/**
 * Auth.js answers a request whose `callbackUrl` (query or cookie) breaks its
 * rule with a 500 "server configuration" error: anyone could make the server
 * log errors and answer 5xx with `?callbackUrl=javascript:…`. Such a request is
 * the caller's mistake: a 400 in the one error shape, before Auth.js sees it.
 */
export function refuseBadCallbackUrl<R extends Request>(handler: (req: R) => Promise<Response>): (req: R) => Promise<Response> {
  return async (req: R) => {
    const url = new URL(req.url);
    const fromQuery = url.searchParams.get('callbackUrl');
    const cookies = Object.fromEntries((req.headers.get('cookie') ?? '').split(';').map((c) => {
      const i = c.indexOf('=');
      return [c.slice(0, i).trim(), c.slice(i + 1).trim()];
    }));
    const fromCookie = CALLBACK_COOKIES.map((name) => cookies[name]).find((v) => v !== undefined);
    for (const [where, value] of [['query', fromQuery], ['cookie', fromCookie && safeDecode(fromCookie)]] as const) {
      if (value && !isHttpCallbackUrl(value, url.origin)) {
        const e = new TandemError('bad_request', `the callback URL in the ${where} must be a path on this server or an http(s) URL`);
        return Response.json(e.toBody(), { status: e.status });
      }
    }
    return handler(req);
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
