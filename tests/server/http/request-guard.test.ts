import { describe, expect, it } from 'vitest';
import { bodyLimitFor, readBodyText, requireJsonBody, screenRequest } from '../../../server/http/request-guard';

const MiB = 1024 * 1024;
const req = (method: string, url: string, headers: Record<string, string> = {}) => ({ method, url, headers: { host: 'localhost:3000', ...headers } });

describe('screening a request before it is read', () => {
  it('refuses a declared body past the path\'s limit with a 413', () => {
    expect(screenRequest(req('POST', '/api/projects/1/labels', { 'content-length': String(MiB + 1) }), MiB)?.status).toBe(413);
    expect(screenRequest(req('POST', '/api/projects/1/labels', { 'content-length': String(MiB) }), MiB)).toBeNull();
  });
  it('gives embedding uploads their larger limit, and only them', () => {
    expect(bodyLimitFor('/api/worker/v1/projects/3/embeddings', MiB)).toBe(48 * MiB);
    expect(bodyLimitFor('/api/projects/3/embeddings', MiB)).toBe(MiB);
    expect(screenRequest(req('PUT', '/api/worker/v1/projects/3/embeddings?x=1', { 'content-length': String(40 * MiB) }), MiB)).toBeNull();
  });
  it('refuses an address with a broken %-escape before any route decodes it', () => {
    for (const p of ['/api/projects/%E0%A4%A/queue', '/api/users/%', '/projects/%zz/label', '/api/items/%ED%A0%80/media']) {
      expect(screenRequest(req('GET', p), MiB)?.status, p).toBe(400);
    }
    expect(screenRequest(req('GET', '/api/projects/1/items?q=%E0%A4%A'), MiB)).toBeNull(); // the query is the route's to parse
    expect(screenRequest(req('GET', '/projects/1/label?x=%20'), MiB)).toBeNull();
  });
  it('refuses a Content-Length that is not a number', () => {
    expect(screenRequest(req('POST', '/api/projects/1/labels', { 'content-length': '1e9' }), MiB)?.status).toBe(400);
  });
  it('takes a chunked body only where the custom server counts what it reads (hot routes, CLI)', () => {
    expect(screenRequest(req('POST', '/api/projects/1/labels', { 'transfer-encoding': 'chunked' }), MiB)).toBeNull();
    expect(screenRequest(req('POST', '/api/projects/1/leases?x', { 'transfer-encoding': 'chunked' }), MiB)).toBeNull();
    expect(screenRequest(req('POST', '/api/cli/v1', { 'transfer-encoding': 'chunked' }), MiB)).toBeNull();
    expect(screenRequest(req('PATCH', '/api/projects/1/queue', { 'transfer-encoding': 'chunked' }), MiB)?.status).toBe(411);
    expect(screenRequest(req('PUT', '/api/worker/v1/projects/1/embeddings', { 'transfer-encoding': 'chunked' }), MiB)?.status).toBe(411);
    expect(screenRequest(req('POST', '/api/auth/callback/credentials', { 'transfer-encoding': 'chunked' }), MiB)?.status).toBe(411);
    expect(screenRequest(req('POST', '/login', { 'transfer-encoding': 'chunked' }), MiB)?.status).toBe(411);
  });
  it('refuses a change from another origin, another port or a same-site page', () => {
    expect(screenRequest(req('POST', '/api/x', { origin: 'http://localhost:3001' }), MiB)?.status).toBe(403);
    expect(screenRequest(req('DELETE', '/api/x', { origin: 'https://evil.example' }), MiB)?.status).toBe(403);
    expect(screenRequest(req('PATCH', '/api/x', { origin: 'null' }), MiB)?.status).toBe(403);
    expect(screenRequest(req('POST', '/api/x', { 'sec-fetch-site': 'same-site' }), MiB)?.status).toBe(403);
  });
  it('lets through its own pages, clients without an Origin, and reads from anywhere', () => {
    expect(screenRequest(req('POST', '/api/x', { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' }), MiB)).toBeNull();
    expect(screenRequest(req('POST', '/api/x'), MiB)).toBeNull();
    expect(screenRequest(req('GET', '/api/x', { origin: 'https://evil.example' }), MiB)).toBeNull();
  });
});

describe('reading a body with a limit', () => {
  const stream = (chunks: number[]) => new ReadableStream<Uint8Array>({
    start(c) { for (const n of chunks) c.enqueue(new Uint8Array(n).fill(0x20)); c.close(); },
  });
  it('reads a body up to the limit', async () => {
    expect(await readBodyText(stream([10, 10]), 20)).toHaveLength(20);
  });
  it('stops at the first byte past it with a 413', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({ pull(c) { pulled++; c.enqueue(new Uint8Array(1024)); } });
    await expect(readBodyText(endless, 10 * 1024)).rejects.toMatchObject({ code: 'too_large' });
    expect(pulled).toBeLessThan(20);
  });
});

describe('content types', () => {
  it('takes JSON (with a charset, or a +json type)', () => {
    expect(() => requireJsonBody('application/json', true)).not.toThrow();
    expect(() => requireJsonBody('application/json; charset=utf-8', true)).not.toThrow();
    expect(() => requireJsonBody('application/merge-patch+json', true)).not.toThrow();
  });
  it('refuses a body of another or no declared type with a 415', () => {
    for (const t of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
      expect(() => requireJsonBody(t, true), t).toThrow(expect.objectContaining({ code: 'unsupported_media_type' }));
    }
    expect(() => requireJsonBody(undefined, true)).toThrow(expect.objectContaining({ code: 'unsupported_media_type' }));
  });
  it('lets an empty body go without a type, and text/plain only where the route says so', () => {
    expect(() => requireJsonBody(undefined, false)).not.toThrow();
    expect(() => requireJsonBody('text/plain;charset=UTF-8', true, true)).not.toThrow();
  });
});
