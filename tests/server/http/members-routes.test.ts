import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GET as listInvites, POST as invite } from '../../../app/api/projects/[projectId]/invites/route';
import { DELETE as withdraw } from '../../../app/api/projects/[projectId]/invites/[inviteId]/route';
import { PUT as setMember } from '../../../app/api/projects/[projectId]/members/route';
import { GET as readGuidelines, PUT as writeGuidelines } from '../../../app/api/projects/[projectId]/guidelines/route';
import { POST as accept } from '../../../app/api/invites/accept/route';
import { DATABASE_KINDS } from '../../fixtures/database';
import { openRouteRuntime, type RouteRuntime } from '../../fixtures/routes';

/** The members, invites and guidelines API through its route handlers: who may call what, and refusals in the form's words. */
describe.each(DATABASE_KINDS)('members API on %s', (kind) => {
  let rt: RouteRuntime;
  let params: Record<string, string>;
  beforeEach(async () => {
    rt = await openRouteRuntime(kind, { n: 2 });
    params = { projectId: String(rt.project.id) };
  });
  afterEach(async () => { await rt.close(); });

  it('invites by link, lists and withdraws the invite; an annotator may do none of it (403), an outsider sees nothing (404)', async () => {
    const made = await rt.session(invite, { params, body: { email: 'new@t.local', role: 'annotator' }, userId: rt.admin.userId });
    expect(made.status).toBe(200);
    expect(made.json).toMatchObject({ kind: 'link', token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), invite: { email: 'new@t.local' } });
    const listed = await rt.session(listInvites, { method: 'GET', params, userId: rt.admin.userId });
    expect(listed.json.invites).toMatchObject([{ id: made.json.invite.id, email: 'new@t.local', role: 'annotator' }]);
    expect(listed.json.invites[0]).not.toHaveProperty('tokenHash');
    expect((await rt.session(listInvites, { method: 'GET', params, userId: rt.annotators[0].userId })).status).toBe(403);
    expect((await rt.session(invite, { params, body: { email: 'x@t.local', role: 'annotator' }, userId: rt.annotators[0].userId })).json.error.message).toBe('Only admins and this project\'s leads manage its members.');
    expect((await rt.session(invite, { params, body: { email: 'x@t.local', role: 'annotator' }, userId: rt.outsider.userId })).status).toBe(404);
    const gone = await rt.session(withdraw, { method: 'DELETE', params: { ...params, inviteId: String(made.json.invite.id) }, userId: rt.admin.userId });
    expect(gone.status).toBe(200);
    expect((await rt.session(withdraw, { method: 'DELETE', params: { ...params, inviteId: String(made.json.invite.id) }, userId: rt.admin.userId })).status).toBe(404);
    const used = await rt.session(accept, { params: {}, body: { token: made.json.token, name: 'New', password: 'password123' }, userId: rt.outsider.userId });
    expect(used).toMatchObject({ status: 404, json: { error: { code: 'not_found', message: expect.stringMatching(/withdrawn/) } } });
  });

  it.each([
    [{ email: '', role: 'annotator' }, 'Enter the email address of the person to invite.'],
    [{ email: 'a b', role: 'annotator' }, 'That is not an email address: it needs a name, an @ and a domain, without spaces.'],
    [{ email: 'a@b.c', role: 'boss' }, 'Choose a role: lead or annotator.'],
    [{ email: 'a@b.c', role: 'annotator', method: 'password', password: 'long enough', name: '<b>x</b>' }, 'A name cannot contain < or >: write it as plain text.'],
    [{ email: 'a@b.c', role: 'annotator', method: 'password' }, 'Choose a password of at least 8 characters, or send a link instead.'],
  ])('refuses invite %j with 400 and the sentence', async (body, message) => {
    const r = await rt.session(invite, { params, body, userId: rt.admin.userId });
    expect(r).toEqual({ status: 400, json: { error: { code: 'bad_request', message } } });
    expect((await rt.session(listInvites, { method: 'GET', params, userId: rt.admin.userId })).json.invites).toEqual([]);
  });

  it('accepts an invite without a session and refuses a malformed token or a bad name in words', async () => {
    const made = await rt.session(invite, { params, body: { email: 'joiner@t.local', role: 'annotator' }, userId: rt.admin.userId });
    expect((await rt.session(accept, { params: {}, body: { token: 'short', name: 'J', password: 'password123' }, userId: 0 })).json.error.message).toBe('This invite link is not valid. Check that you copied all of it.');
    expect((await rt.session(accept, { params: {}, body: { token: made.json.token, name: '', password: 'password123' }, userId: 0 })).json.error.message).toBe('Enter a name.');
    const ok = await rt.session(accept, { params: {}, body: { token: made.json.token, name: 'Joiner', password: 'password123' }, userId: 0 });
    expect(ok).toEqual({ status: 200, json: { email: 'joiner@t.local', projectId: rt.project.id, role: 'annotator' } });
    const joined = await rt.services.users.findByEmail('joiner@t.local');
    // The new member may now be removed through the members route.
    expect((await rt.session(setMember, { method: 'PUT', params, body: { userId: joined!.id, role: null }, userId: rt.admin.userId })).status).toBe(200);
  });

  it('reads guidelines for members and writes them for leads and admins only', async () => {
    expect((await rt.session(readGuidelines, { method: 'GET', params, userId: rt.annotators[0].userId })).json).toEqual({ guidelines: null });
    const w = await rt.session(writeGuidelines, { method: 'PUT', params, body: { markdown: '# Cats', examples: {} }, userId: rt.admin.userId });
    expect(w.status).toBe(200);
    expect((await rt.session(readGuidelines, { method: 'GET', params, userId: rt.annotators[0].userId })).json.guidelines).toMatchObject({ markdown: '# Cats' });
    expect((await rt.session(writeGuidelines, { method: 'PUT', params, body: { markdown: 'no', examples: {} }, userId: rt.annotators[0].userId })).status).toBe(403);
    expect((await rt.session(writeGuidelines, { method: 'PUT', params, body: { markdown: 'x'.repeat(50_001) }, userId: rt.admin.userId })).json.error.message).toBe('The guidelines are at most 50,000 characters.');
  });
});
