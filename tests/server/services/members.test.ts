import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { DATABASE_KINDS, openTestDatabase } from '../../fixtures/database';
import { buildProject } from '../../fixtures/builders';
import { SYSTEM } from '../../../server/services/access';
import { createMemberService } from '../../../server/services/members';
import { createLoginThrottle } from '../../../server/auth/login-throttle';

/** The members panel: roles, removal, and invites by link or by a password the admin sets. */
describe.each(DATABASE_KINDS)('project members and invites on %s', (kind) => {
  let database: Database;
  beforeEach(async () => { database = await openTestDatabase(kind); });
  afterEach(async () => { await database.close(); });

  const count = async (table: 'users' | 'memberships' | 'invites') =>
    Number(((await database.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { rows: { n: number }[] }).rows[0].n);

  it('invites by a one-time link: the invitee sets a name and password and becomes a member with the invited role, once', async () => {
    const { services, project } = await buildProject(database.db, { n: 1, annotators: 0 });
    const changed: number[] = [];
    services.projects.onMemberChange((u) => changed.push(u));
    const made = await services.members.invite(SYSTEM, project.id, { email: ' New@Example.org ', role: 'annotator' });
    if (made.kind !== 'link') throw new Error('expected a link');
    expect(made.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(made.invite).toMatchObject({ email: 'new@example.org', role: 'annotator' });
    // Only the hash is stored.
    const stored = (await database.db.execute(sql`select token_hash from invites`)) as unknown as { rows: { token_hash: string }[] };
    expect(stored.rows[0].token_hash).not.toContain(made.token);
    expect((await services.members.list(SYSTEM, project.id)).invites).toMatchObject([{ email: 'new@example.org', role: 'annotator' }]);
    expect(await services.members.preview(made.token, '10.0.0.1')).toMatchObject({ state: 'open', email: 'new@example.org', projectName: project.name });

    const accepted = await services.members.accept({ token: made.token, name: 'Ada', password: 'correct horse' }, '10.0.0.1');
    expect(accepted).toMatchObject({ email: 'new@example.org', projectId: project.id, role: 'annotator' });
    expect(changed).toContain(accepted.userId);
    expect(await services.users.verify('new@example.org', 'correct horse')).toMatchObject({ name: 'Ada', role: 'user' });
    expect((await services.members.list(SYSTEM, project.id)).members).toMatchObject([{ email: 'new@example.org', name: 'Ada', role: 'annotator' }]);
    expect((await services.members.list(SYSTEM, project.id)).invites).toEqual([]);

    await expect(services.members.accept({ token: made.token, name: 'Eve', password: 'another one' }, '10.0.0.2'))
      .rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/used already/) });
    expect(await services.members.preview(made.token, '10.0.0.1')).toMatchObject({ state: 'closed', message: expect.stringMatching(/used already/) });
  });

  it('refuses an expired or withdrawn link, and a link whose email got an account meanwhile, making nobody', async () => {
    let now = new Date('2026-12-02T12:00:00Z');
    const { services, project } = await buildProject(database.db, { n: 1, annotators: 0 });
    const members = createMemberService(database.db, { projects: services.projects, now: () => now, inviteTtlMs: 60_000 });
    const a = await members.invite(SYSTEM, project.id, { email: 'late@x.org', role: 'annotator' });
    const b = await members.invite(SYSTEM, project.id, { email: 'gone@x.org', role: 'annotator' });
    const c = await members.invite(SYSTEM, project.id, { email: 'twice@x.org', role: 'lead' });
    if (a.kind !== 'link' || b.kind !== 'link' || c.kind !== 'link') throw new Error('expected links');
    await members.revoke(SYSTEM, project.id, b.invite.id);
    await services.users.add(SYSTEM, { email: 'twice@x.org', password: 'password123' });
    const users = await count('users');
    await expect(members.accept({ token: b.token, name: 'B', password: 'password1' }, null)).rejects.toMatchObject({ message: expect.stringMatching(/withdrawn/) });
    await expect(members.accept({ token: c.token, name: 'C', password: 'password1' }, null)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/exists already: log in/) });
    now = new Date(now.getTime() + 60_000);
    await expect(members.accept({ token: a.token, name: 'A', password: 'password1' }, null)).rejects.toMatchObject({ message: expect.stringMatching(/expired/) });
    expect(await count('users')).toBe(users);
    // The refused one is still open (its transaction rolled back), the rest are not listed.
    expect((await members.list(SYSTEM, project.id)).invites).toEqual([]);
    now = new Date(now.getTime() - 30_000);
    expect((await members.list(SYSTEM, project.id)).invites.map((i) => i.email)).toEqual(['twice@x.org', 'late@x.org']);
  });

  it('adds someone who has an account at once, and lets an admin make an account with a password', async () => {
    const { services, project, outsider } = await buildProject(database.db, { n: 1, annotators: 0 });
    const added = await services.members.invite(SYSTEM, project.id, { email: 'outsider@t.local', role: 'lead' });
    expect(added).toMatchObject({ kind: 'member', created: false, member: { userId: outsider.userId, role: 'lead' } });
    await expect(services.members.invite(SYSTEM, project.id, { email: 'outsider@t.local', role: 'lead' })).rejects.toMatchObject({ code: 'conflict', message: 'outsider@t.local is already a lead in this project.' });
    const made = await services.members.invite(SYSTEM, project.id, { email: 'pw@x.org', role: 'annotator', method: 'password', password: 'set-by-admin', name: 'Pat' });
    expect(made).toMatchObject({ kind: 'member', created: true, member: { name: 'Pat', role: 'annotator' } });
    expect(await services.users.verify('pw@x.org', 'set-by-admin')).toMatchObject({ name: 'Pat' });
    expect(await count('invites')).toBe(0);
  });

  it('refuses bad input with sentences and changes nothing', async () => {
    const { services, project } = await buildProject(database.db, { n: 1, annotators: 0 });
    const before = [await count('users'), await count('memberships'), await count('invites')];
    const refused = (input: unknown) => services.members.invite(SYSTEM, project.id, input as never);
    await expect(refused({ email: '', role: 'annotator' })).rejects.toMatchObject({ code: 'bad_request', message: 'Enter the email address of the person to invite.' });
    await expect(refused({ email: 'no at sign', role: 'annotator' })).rejects.toMatchObject({ message: expect.stringMatching(/^That is not an email address/) });
    await expect(refused({ email: 'a@b.c', role: 'owner' })).rejects.toMatchObject({ message: 'Choose a role: lead or annotator.' });
    await expect(refused({ email: 'a@b.c', role: 'annotator', method: 'password', password: 'short' })).rejects.toMatchObject({ message: 'A password needs at least 8 characters.' });
    await expect(refused({ email: 'a@b.c', role: 'annotator', method: 'password', password: 'long enough', name: '<b>Bob</b>' })).rejects.toMatchObject({ message: 'A name cannot contain < or >: write it as plain text.' });
    const link = await services.members.invite(SYSTEM, project.id, { email: 'ok@b.c', role: 'annotator' });
    if (link.kind !== 'link') throw new Error('expected a link');
    await expect(services.members.accept({ token: link.token, name: '<img src=x onerror=alert(1)>', password: 'long enough' }, null)).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/cannot contain </) });
    await expect(services.members.accept({ token: link.token, name: 'Ok', password: '' }, null)).rejects.toMatchObject({ code: 'bad_request', message: 'A password needs at least 8 characters.' });
    expect([await count('users'), await count('memberships'), await count('invites')]).toEqual([before[0], before[1], before[2] + 1]);
  });

  it('lets a lead invite and remove annotators, never leads; an annotator manages nothing', async () => {
    const { services, project, annotators, leads } = await buildProject(database.db, { n: 1, annotators: 2, leads: 2 });
    expect((await services.members.invite(leads[0], project.id, { email: 'an@x.org', role: 'annotator' })).kind).toBe('link');
    await expect(services.members.invite(leads[0], project.id, { email: 'le@x.org', role: 'lead' })).rejects.toMatchObject({ code: 'forbidden', message: 'Only an admin can invite a lead.' });
    await expect(services.members.invite(leads[0], project.id, { email: 'pw@x.org', role: 'annotator', method: 'password', password: 'password1' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(services.projects.setMember(leads[0], project.id, annotators[0].userId, 'lead')).rejects.toMatchObject({ message: 'Only an admin can make someone a lead.' });
    await expect(services.projects.setMember(leads[0], project.id, leads[1].userId, null)).rejects.toMatchObject({ message: 'Only an admin can change or remove a lead.' });
    await services.projects.setMember(leads[0], project.id, annotators[0].userId, null);
    await expect(services.members.list(annotators[1], project.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(services.members.invite(annotators[1], project.id, { email: 'z@x.org', role: 'annotator' })).rejects.toMatchObject({ code: 'forbidden' });
    // The removed annotator no longer sees the project at all.
    await expect(services.projects.get(annotators[0], project.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await services.members.list(leads[0], project.id)).members.map((m) => m.role).sort()).toEqual(['annotator', 'lead', 'lead']);
  });

  it('throttles guessed links per address, and a bad name does not count as a guess', async () => {
    let t = 0;
    const { services, project } = await buildProject(database.db, { n: 1, annotators: 0 });
    const throttle = createLoginThrottle({ now: () => t, account: { freeFailures: 2, firstWaitMs: 1000, maxWaitMs: 1000, forgetAfterMs: 10_000 }, address: { freeFailures: 2, firstWaitMs: 1000, maxWaitMs: 1000, forgetAfterMs: 10_000 } });
    const members = createMemberService(database.db, { projects: services.projects, throttle });
    const link = await members.invite(SYSTEM, project.id, { email: 'real@x.org', role: 'annotator' });
    if (link.kind !== 'link') throw new Error('expected a link');
    const guess = (i: number) => members.accept({ token: `${'A'.repeat(42)}${i}`, name: 'G', password: 'password1' }, '10.9.9.9');
    for (let i = 0; i < 5; i++) await expect(members.accept({ token: link.token, name: '', password: 'password1' }, '10.9.9.9')).rejects.toMatchObject({ code: 'bad_request' });
    await expect(guess(1)).rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/not valid/) });
    await expect(guess(2)).rejects.toMatchObject({ code: 'not_found' });
    await expect(guess(3)).rejects.toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/Try again in 1 s/) });
    // Even the right link waits, from that address; another address is not held up.
    await expect(members.accept({ token: link.token, name: 'R', password: 'password1' }, '10.9.9.9')).rejects.toMatchObject({ code: 'rate_limited' });
    expect(await members.preview(link.token, '10.9.9.9')).toMatchObject({ state: 'throttled' });
    t += 1000;
    expect(await members.accept({ token: link.token, name: 'R', password: 'password1' }, '10.9.9.9')).toMatchObject({ email: 'real@x.org' });
  });
});
