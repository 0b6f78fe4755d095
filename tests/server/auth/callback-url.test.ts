import { describe, expect, it } from 'vitest';
import { isHttpCallbackUrl, refuseBadCallbackUrl } from '../../../server/auth/callback-url';

describe('Auth.js callback URLs', () => {
  const passed: string[] = [];
  const handler = refuseBadCallbackUrl(async (req) => { passed.push(req.url); return new Response('auth.js'); });
  const origin = 'http://localhost:3000';

  it('takes paths on this server and http(s) URLs, as Auth.js does', () => {
    for (const ok of ['/', '/projects/1', 'http://localhost:3000/x', 'https://example.com/']) expect(isHttpCallbackUrl(ok, origin), ok).toBe(true);
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'x', '', 'file:///etc/passwd', '%E0%A4%A']) expect(isHttpCallbackUrl(bad, origin), bad).toBe(false);
  });

  it('answers a bad callbackUrl in the query or the cookie with a 400 in the one error shape, before Auth.js (which would answer 500)', async () => {
    passed.length = 0;
    const query = await handler(new Request(`${origin}/api/auth/signin?callbackUrl=${encodeURIComponent('javascript:alert(1)')}`));
    expect(query.status).toBe(400);
    expect(await query.json()).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(/callback URL in the query/) } });
    const cookie = await handler(new Request(`${origin}/api/auth/session`, { headers: { cookie: 'a=b; authjs.callback-url=javascript%3Aalert(1)' } }));
    expect(cookie.status).toBe(400);
    expect(passed).toEqual([]);
  });

  it('passes everything else to Auth.js untouched', async () => {
    passed.length = 0;
    for (const p of ['/api/auth/session', '/api/auth/signin?callbackUrl=%2Fprojects%2F1', '/api/auth/csrf']) {
      expect((await handler(new Request(origin + p, { headers: { cookie: 'authjs.callback-url=%2F' } }))).status).toBe(200);
    }
    expect(passed).toHaveLength(3);
  });
});
