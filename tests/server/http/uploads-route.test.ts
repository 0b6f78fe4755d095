import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POST as upload } from '../../../app/api/projects/[projectId]/uploads/route';
import { countProjectItems } from '../../../db/queries/projects';
import { UPLOAD_LIMITS } from '../../../lib/import/upload';
import { bodyLimitFor, screenRequest } from '../../../server/http/request-guard';
import { DATABASE_KINDS } from '../../fixtures/database';
import { pngBytes } from '../../fixtures/images';
import { openRouteRuntime, type RouteRuntime } from '../../fixtures/routes';

/** A multipart body as a browser's FormData makes it. */
async function multipart(meta: unknown, files: Buffer[]): Promise<{ raw: Buffer; contentType: string }> {
  const form = new FormData();
  form.append('meta', typeof meta === 'string' ? meta : JSON.stringify(meta));
  files.forEach((f, i) => form.append('file', new Blob([new Uint8Array(f)]), `file-${i}`));
  const req = new Request('http://t.invalid/', { method: 'POST', body: form });
  return { raw: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get('content-type')! };
}

describe.each(DATABASE_KINDS)('the upload route on %s', (kind) => {
  let rt: RouteRuntime;
  let params: Record<string, string>;
  beforeEach(async () => {
    rt = await openRouteRuntime(kind, { n: 0 });
    params = { projectId: String(rt.project.id) };
  });
  afterEach(async () => { await rt.close(); });

  const items = async () => (await countProjectItems(rt.database.db, rt.project.id)).items;

  it('imports a batch for an admin and answers what it came to, naming the broken file', async () => {
    const body = await multipart({ labels: 'annotate', files: [{ name: 'cat/a.png', label: 'cat' }, { name: 'cat/<img src=x>.png', label: 'cat' }] }, [pngBytes(1), Buffer.from('not an image')]);
    const r = await rt.session(upload, { params, ...body, userId: rt.admin.userId });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ added: 1, duplicates: 0, failed: [{ file: 'cat/<img src=x>.png', reason: expect.stringMatching(/not a PNG or JPEG image/) }] });
    expect(await items()).toBe(1);
  });

  it('refuses an annotator (403) and a stranger (404) before reading a body far past the limit', async () => {
    const huge = Buffer.alloc(UPLOAD_LIMITS.requestBytes + 1024);
    for (const [userId, status] of [[rt.annotators[0].userId, 403], [rt.outsider.userId, 404]] as const) {
      const r = await rt.session(upload, { params, raw: huge, contentType: 'multipart/form-data; boundary=x', userId });
      expect(r.status).toBe(status);
    }
  });

  it('answers a body past the limit, counted as it is read, with 413 stating the limits', async () => {
    const r = await rt.session(upload, { params, raw: Buffer.alloc(UPLOAD_LIMITS.requestBytes + 1), contentType: 'multipart/form-data; boundary=x', userId: rt.admin.userId });
    expect(r.status).toBe(413);
    expect(r.json.error).toEqual({ code: 'too_large', message: expect.stringMatching(/at most 40 MiB, and one image at most 32 MiB/) });
    expect(await items()).toBe(0);
  });

  it('refuses a declared length past the limit at the front door, with the same words', () => {
    const path = `/api/projects/${rt.project.id}/uploads`;
    expect(bodyLimitFor(path, 1024 * 1024)).toBe(UPLOAD_LIMITS.requestBytes);
    const v = screenRequest({ method: 'POST', url: path, headers: { 'content-length': String(UPLOAD_LIMITS.requestBytes + 1), host: 'x' } }, 1024 * 1024);
    expect(v).toEqual({ status: 413, body: { error: { code: 'too_large', message: expect.stringMatching(/upload area on the project page sends files in batches/) } } });
  });

  it.each([
    ['JSON', 'application/json', '{"files":[]}', 415, /send the files as multipart\/form-data .*, not application\/json/],
    ['no content type', '', 'x', 415, /send the files as multipart\/form-data/],
    ['broken multipart', 'multipart/form-data; boundary=zzz', 'garbage', 400, /not well-formed multipart\/form-data/],
  ])('refuses %s with a message a person can act on', async (_what, contentType, raw, status, message) => {
    const r = await rt.session(upload, { params, raw, contentType: contentType || undefined, userId: rt.admin.userId });
    if (!contentType) expect([400, 415]).toContain(r.status);
    else expect(r.status).toBe(status);
    expect(r.json.error.message).toMatch(message);
  });

  it.each([
    ['a meta part that is not JSON', '{nope', 1, /"meta" part is not valid JSON/],
    ['more entries than files', { files: [{ name: 'a.png' }, { name: 'b.png' }] }, 1, /names 2 files but carries 1/],
    ['an unknown label mode', { labels: 'guess', files: [{ name: 'a.png' }] }, 1, /labels must be one of annotate, prelabel, ignore/],
    ['a name with NUL', { files: [{ name: 'a\u0000.png' }] }, 1, /NUL/],
    ['an unknown field', { files: [{ name: 'a.png' }], owner: 1 }, 1, /owner/],
    ['no files', { files: [] }, 0, /names no files/],
  ])('refuses %s (400) and stores nothing', async (_what, meta, n, message) => {
    const body = await multipart(meta, Array.from({ length: n }, (_, i) => pngBytes(i + 1)));
    const r = await rt.session(upload, { params, ...body, userId: rt.admin.userId });
    expect(r.status).toBe(400);
    expect(r.json.error).toEqual({ code: 'bad_request', message: expect.stringMatching(message) });
    expect(await items()).toBe(0);
  });
});
