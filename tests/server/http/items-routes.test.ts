import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GET as listItems } from '../../../app/api/projects/[projectId]/items/route';
import { GET as itemPage } from '../../../app/api/projects/[projectId]/items/[itemId]/route';
import { POST as flagItem } from '../../../app/api/projects/[projectId]/items/[itemId]/flags/route';
import { POST as commentItem } from '../../../app/api/projects/[projectId]/items/[itemId]/comments/route';
import { POST as decide } from '../../../app/api/projects/[projectId]/items/[itemId]/decision/route';
import { GET as mine } from '../../../app/api/projects/[projectId]/mine/route';
import { POST as reopen } from '../../../app/api/projects/[projectId]/mine/reopen/route';
import { DATABASE_KINDS } from '../../fixtures/database';
import { openRouteRuntime, type RouteRuntime } from '../../fixtures/routes';

/**
 * The items API through its route handlers (the same wrapper, schemas and services as a real
 * request): who may call what, and bad parameters answered 400 with a line a person can act on.
 */
describe.each(DATABASE_KINDS)('items API on %s', (kind) => {
  let rt: RouteRuntime;
  let params: Record<string, string>;
  beforeEach(async () => {
    rt = await openRouteRuntime(kind, { n: 6 });
    params = { projectId: String(rt.project.id) };
  });
  afterEach(async () => { await rt.close(); });

  const annotator = () => rt.annotators[0].userId;

  async function answerOne(label = 'cat') {
    const [l] = await rt.services.queue.claim(rt.annotators[0], rt.project.id, 1);
    const r = await rt.services.labels.submit(rt.annotators[0], rt.project.id, { leaseId: l.leaseId, itemId: l.itemId, label, clientKey: `route-key-${l.leaseId}` });
    return { itemId: l.itemId, annotationId: r.annotationId };
  }

  it('lists items for an admin, refuses an annotator (403) and an outsider (404)', async () => {
    await answerOne();
    const ok = await rt.session(listItems, { method: 'GET', params, query: '?sort=id&status=open&status=resolved', userId: rt.admin.userId });
    expect(ok.status).toBe(200);
    expect(ok.json.items).toHaveLength(6);
    expect((await rt.session(listItems, { method: 'GET', params, userId: annotator() })).status).toBe(403);
    expect((await rt.session(listItems, { method: 'GET', params, userId: rt.outsider.userId })).status).toBe(404);
  });

  it.each([
    ['?status=labeled', /status: "labeled" is not a state; use one or more of open, collecting, disputed, resolved/],
    ['?limit=0', /limit: must be from 1 to 200/],
    ['?limit=abc', /limit: must be a whole number/],
    ['?uncertaintyMin=2', /uncertaintyMin: must be a number from 0 to 1/],
    ['?from=2026-13-45', /from: must be a date like/],
    ['?annotator=-1', /annotator: must be a whole number/],
    ['?sort=best', /sort: must be one of newest, uncertainty, id/],
    ['?after=%7B%7D', /after: is not a page cursor this server gave out; start again from the first page/],
    ['?flagged=maybe', /flagged: must be 1 \(only those\) or 0 \(all\)/],
    [`?class=${'x'.repeat(300)}`, /class: must be at most 200 characters/],
    ['?colour=red', /colour/],
  ])('answers %s with 400 and a message naming the parameter', async (query, message) => {
    const r = await rt.session(listItems, { method: 'GET', params, query, userId: rt.admin.userId });
    expect(r.status).toBe(400);
    expect(r.json.error).toEqual({ code: 'bad_request', message: expect.stringMatching(message) });
  });

  it('lets an annotator open an item they answered (their own answer only), not one they did not', async () => {
    const { itemId } = await answerOne('dog');
    const own = await rt.session(itemPage, { method: 'GET', params: { ...params, itemId: String(itemId) }, userId: annotator() });
    expect(own.status).toBe(200);
    expect(own.json.history.map((h: { summary: string }) => h.summary)).toEqual(['dog']);
    const [other] = await rt.services.queue.claim(rt.admin, rt.project.id, 1);
    const refused = await rt.session(itemPage, { method: 'GET', params: { ...params, itemId: String(other.itemId) }, userId: annotator() });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/only items you answered/);
    expect((await rt.session(itemPage, { method: 'GET', params: { ...params, itemId: '1.5' }, userId: annotator() })).status).toBe(400);
  });

  it('takes a flag with its lease and a comment, and refuses a bad one with 400 changing nothing', async () => {
    const [l] = await rt.services.queue.claim(rt.annotators[0], rt.project.id, 1);
    const p = { ...params, itemId: String(l.itemId) };
    const bad = await rt.session(flagItem, { params: p, body: { reason: 'meh', leaseId: l.leaseId }, userId: annotator() });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/reason: must be one of unclear, broken, no-class/);
    const ok = await rt.session(flagItem, { params: p, body: { reason: 'no-class', comment: 'a <img src=x onerror=alert(1)>', leaseId: l.leaseId }, userId: annotator() });
    expect(ok.status).toBe(200);
    expect(ok.json.skipped).toBe(l.leaseId);
    const flagged = await rt.session(listItems, { method: 'GET', params, query: '?flagged=1&sort=id', userId: rt.admin.userId });
    expect(flagged.json.items.map((i: { id: number }) => i.id)).toEqual([l.itemId]);
    const c = await rt.session(commentItem, { params: p, body: { body: '' }, userId: rt.admin.userId });
    expect(c.status).toBe(400);
  });

  it('fixes an answer through the decision endpoint, and the item\'s history then holds both versions', async () => {
    const { itemId, annotationId } = await answerOne('cat');
    const p = { ...params, itemId: String(itemId) };
    const noReason = await rt.session(decide, { params: p, body: { label: 'dog' }, userId: rt.admin.userId });
    expect(noReason.status).toBe(400);
    const fixed = await rt.session(decide, { params: p, body: { label: 'dog', reason: 'ears' }, userId: rt.admin.userId });
    expect(fixed.status).toBe(200);
    const page = await rt.session(itemPage, { method: 'GET', params: p, userId: rt.admin.userId });
    expect(page.json.history.map((h: { summary: string; source: string; reason: string | null; replaces: number | null }) => [h.summary, h.source, h.reason, h.replaces]))
      .toEqual([['cat', 'human', null, null], ['dog', 'review', 'ears', annotationId]]);
    const mineNow = await rt.session(mine, { method: 'GET', params, userId: annotator() });
    expect(mineNow.json.answers[0]).toMatchObject({ annotationId, outcome: { kind: 'decided', by: 'lead' }, resolved: { summary: 'dog', reason: 'ears' } });
  });

  it('lists an annotator\'s own answers and reopens one; bad parameters are 400', async () => {
    const { itemId, annotationId } = await answerOne('cat');
    expect((await rt.session(mine, { method: 'GET', params, query: '?before=x', userId: annotator() })).status).toBe(400);
    expect((await rt.session(reopen, { params, body: { annotationId: 'one' }, userId: annotator() })).status).toBe(400);
    const r = await rt.session(reopen, { params, body: { annotationId }, userId: annotator() });
    expect(r.status).toBe(200);
    expect(r.json.lease).toMatchObject({ itemId, stream: 'redo' });
    const again = await rt.session(reopen, { params, body: { annotationId }, userId: annotator() });
    expect(again.status).toBe(409);
  });
});
