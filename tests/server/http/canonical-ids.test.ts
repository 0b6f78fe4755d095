import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { annotations, memberships, projects, queueControls, users } from '../../../db/schema';
import { PATCH as patchUser } from '../../../app/api/users/[userId]/route';
import { POST as addUser } from '../../../app/api/users/route';
import { POST as addProject } from '../../../app/api/projects/route';
import { PUT as putMember } from '../../../app/api/projects/[projectId]/members/route';
import { GET as progress } from '../../../app/api/projects/[projectId]/progress/route';
import { POST as controlItems } from '../../../app/api/projects/[projectId]/queue/items/route';
import { DELETE as releaseLease } from '../../../app/api/projects/[projectId]/leases/[leaseId]/route';
import { GET as itemMedia } from '../../../app/api/items/[itemId]/media/route';
import { labelRoute } from '../../../server/http/labeling-routes';
import { DATABASE_KINDS } from '../../fixtures/database';
import { openRouteRuntime, type RouteRuntime } from '../../fixtures/routes';

/** How `Number()` and `z.coerce` read as 1 (or 16) what is not an id. */
const LOOSE_PATH_IDS = ['1.0', ' 1', '1 ', '0x10', '1e0', '+1', '01', '0', '-1', ''];

/**
 * Finding 8 of issue 15 (loose ids): an id is a positive whole number in
 * plain decimal at every boundary (path, query, JSON body, socket event),
 * within its column's range; anything else is a 400 that changes nothing.
 * And finding 6 on the session routes: text Postgres cannot store is a 400.
 */
describe.each(DATABASE_KINDS)('ids and text at the session routes on %s', (kind) => {
  let t: RouteRuntime;
  beforeEach(async () => { t = await openRouteRuntime(kind); });
  afterEach(async () => { await t.close(); });

  const roleOf = async (userId: number) => (await t.database.db.select({ role: users.role }).from(users).where(eq(users.id, userId)))[0].role;

  it('refuses PATCH /api/users/1.0 and every other loose spelling of a user id, changing no role', async () => {
    const target = t.annotators[0].userId;
    for (const id of [...LOOSE_PATH_IDS.map((x) => x.replace(/^1/, String(target))), '2147483648']) {
      const r = await t.session(patchUser, { method: 'PATCH', params: { userId: id }, body: { role: 'admin' }, userId: t.admin.userId });
      expect(r.status, JSON.stringify(id)).toBe(400);
      expect(r.json.error.message).toMatch(/bad path: userId/);
    }
    expect(await roleOf(target)).toBe('user');
    const ok = await t.session(patchUser, { method: 'PATCH', params: { userId: String(target) }, body: { role: 'admin' }, userId: t.admin.userId });
    expect(ok.status).toBe(200);
    expect(await roleOf(target)).toBe('admin');
  });

  it('refuses JSON ids that are not JSON numbers ("itemId": true, "1"), or out of their column', async () => {
    const pid = String(t.project.id);
    const [lease] = await t.services.queue.claim(t.annotators[0], t.project.id, 1);
    const label = (over: Record<string, unknown>) => t.session(labelRoute, { params: { projectId: pid }, body: { leaseId: lease.leaseId, itemId: lease.itemId, label: 'cat', clientKey: 'canonical-ids-1', ...over }, userId: t.annotators[0].userId });
    for (const over of [{ itemId: true }, { itemId: String(lease.itemId) }, { leaseId: `${lease.leaseId}` }, { itemId: lease.itemId + 0.5 }, { itemId: 2 ** 53 }]) {
      const r = await label(over);
      expect(r.status, JSON.stringify(over)).toBe(400);
    }
    expect(await t.database.db.select().from(annotations)).toEqual([]);

    const other = t.outsider.userId;
    for (const userId of [true, String(other), other + 0.5, 2_147_483_648]) {
      const r = await t.session(putMember, { method: 'PUT', params: { projectId: pid }, body: { userId, role: 'annotator' }, userId: t.admin.userId });
      expect(r.status, JSON.stringify(userId)).toBe(400);
      expect(r.json.error.message).toMatch(/userId/);
    }
    expect(await t.database.db.select().from(memberships).where(eq(memberships.userId, other))).toEqual([]);

    const r = await t.session(controlItems, { params: { projectId: pid }, body: { action: 'pin', itemIds: [String(lease.itemId)] }, userId: t.admin.userId });
    expect(r.status).toBe(400);
    expect(await t.database.db.select().from(queueControls)).toEqual([]);
  });

  it('refuses path ids past their column (a project id beyond integer) with a 400, not a 500', async () => {
    for (const id of ['2147483648', '9007199254740993', '111111111111111111111111111111', ...LOOSE_PATH_IDS]) {
      const r = await t.session(progress, { method: 'GET', params: { projectId: id }, userId: t.admin.userId });
      expect(r.status, JSON.stringify(id)).toBe(400);
    }
    expect((await t.session(progress, { method: 'GET', params: { projectId: '2147483647' }, userId: t.admin.userId })).status).toBe(404);
    for (const id of ['9007199254740992', '1.0', '0x10']) {
      expect((await t.session(itemMedia, { method: 'GET', params: { itemId: id }, userId: t.admin.userId })).status, id).toBe(400);
      expect((await t.session(releaseLease, { method: 'DELETE', params: { projectId: String(t.project.id), leaseId: id }, userId: t.admin.userId })).status, id).toBe(400);
    }
  });

  it('refuses names, classes and client keys Postgres cannot store, naming the field', async () => {
    const cases: [Parameters<RouteRuntime['session']>[0], Record<string, unknown>, RegExp][] = [
      [addProject, { slug: 'bad-name', name: 'a\u0000b', classes: ['x', 'y'] }, /name/],
      [addProject, { slug: 'bad-class', classes: ['x', 'y\uD800'] }, /classes\.1/],
      [addUser, { email: 'nul@t.local', name: '\uDFFFz', password: 'password123' }, /name/],
      [addUser, { email: 'nul\u0000@t.local', password: 'password123' }, /email/],
    ];
    for (const [r, body, field] of cases) {
      const a = await t.session(r, { body, userId: t.admin.userId });
      expect(a.status, JSON.stringify(body)).toBe(400);
      expect(a.json.error.message).toMatch(field);
    }
    expect(await t.database.db.select({ slug: projects.slug }).from(projects)).toEqual([{ slug: 'p' }]);
    const [lease] = await t.services.queue.claim(t.annotators[0], t.project.id, 1);
    const l = await t.session(labelRoute, { params: { projectId: String(t.project.id) }, body: { leaseId: lease.leaseId, itemId: lease.itemId, label: 'cat', clientKey: 'key\u0000-with-nul' }, userId: t.annotators[0].userId });
    expect(l.status).toBe(400);
    expect(l.json.error.message).toMatch(/clientKey/);
    expect(await t.database.db.select().from(annotations)).toEqual([]);
  });
});
