import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import WebSocket from 'ws';
import { io as ioClient, type Socket } from 'socket.io-client';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../../fixtures/tandem-server';
import { Client } from '../../fixtures/http-client';
import { TMP_ROOT } from '../../fixtures/paths';

/**
 * What a user has open follows what they may still see: removal from the
 * project, and logout, reach their socket.io rooms and Yjs documents.
 */
describe('open connections on a real server', () => {
  let server: TandemProcess;
  let admin: Client;
  const projectId = 1;

  beforeAll(async () => {
    server = await startTandem({ dataDir: path.join(TMP_ROOT, 'realtime-revocation'), port: await freePort(), env: { TANDEM_DEMO_LIMIT: '20' } });
    admin = await new Client(server.url).login('admin@tandem.local', DEMO_PASSWORD);
  }, 180_000);
  afterAll(async () => { expect(await server?.stop()).toBe(0); });

  async function userId(email: string): Promise<number> {
    const r = await admin.request('GET', '/api/users');
    return r.json.users.find((u: { email: string }) => u.email === email).id;
  }
  const setMember = async (uid: number, role: 'annotator' | null) =>
    expect((await admin.request('PUT', `/api/projects/${projectId}/members`, { userId: uid, role })).status).toBe(200);

  /** A subscribed socket that records the events it receives. */
  async function subscribed(c: Client) {
    const s: Socket = ioClient(server.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: c.cookieHeader() }, reconnection: false });
    await new Promise<void>((resolve, reject) => { s.on('connect', () => resolve()); s.on('connect_error', reject); });
    const events: { name: string; payload: unknown }[] = [];
    s.onAny((name, payload) => events.push({ name, payload }));
    expect(await s.emitWithAck('subscribe', { projectId })).toMatchObject({ ok: true });
    return { s, events };
  }

  /** A Yjs websocket on an item of the project, open; `closed` resolves with the close code and reason. */
  async function yjs(c: Client) {
    const leases = await c.request('POST', `/api/projects/${projectId}/leases`, { hold: 1 });
    expect(leases.status).toBe(200);
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/yjs/item-${leases.json.leases[0].itemId}`, { headers: { cookie: c.cookieHeader() } });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    await new Promise<void>((resolve, reject) => { ws.on('open', () => resolve()); ws.on('error', reject); });
    return { ws, closed, itemId: leases.json.leases[0].itemId as number };
  }

  const upgradeStatus = (cookie: string, itemId: number) => new Promise<number>((resolve) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/yjs/item-${itemId}`, { headers: { cookie } });
    ws.on('open', () => { ws.close(); resolve(101); });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });

  it('takes a removed member out of the project\'s room and closes their Yjs document, while others go on', async () => {
    const ann = await new Client(server.url).login('ann2@tandem.local', DEMO_PASSWORD);
    const uid = await userId('ann2@tandem.local');
    const theirs = await subscribed(ann);
    const doc = await yjs(ann);
    const watching = await subscribed(admin);

    await setMember(uid, null);
    await expect.poll(() => theirs.events.find((e) => e.name === 'revoked')?.payload).toEqual({ reason: 'project-lost', projectId });
    expect(await doc.closed).toEqual({ code: 4403, reason: `no longer a member of project ${projectId}` });

    // The room's next event reaches the admin and not the removed member.
    const paused = new Promise<unknown>((resolve) => watching.s.on('queue', resolve));
    expect((await admin.request('POST', `/api/projects/${projectId}/queue/pause`)).status).toBe(200);
    expect(await paused).toMatchObject({ projectId, event: 'paused' });
    // One round trip on their socket after it: an event sent to them would have arrived before the answer.
    expect(await theirs.s.emitWithAck('subscribe', { projectId })).toMatchObject({ error: { code: 'not_found' } });
    expect(theirs.events.filter((e) => e.name === 'queue')).toEqual([]);
    expect(theirs.s.connected).toBe(true); // still logged in: only the project is gone
    expect(await upgradeStatus(ann.cookieHeader(), doc.itemId)).toBe(404);

    expect((await admin.request('POST', `/api/projects/${projectId}/queue/resume`, {})).status).toBe(200);
    await setMember(uid, 'annotator');
    theirs.s.close();
    watching.s.close();
  });

  it('disconnects the sockets and closes the Yjs documents of a user who logs out', async () => {
    const ann = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    const cookie = ann.cookieHeader();
    const sock = await subscribed(ann);
    const doc = await yjs(ann);
    const disconnected = new Promise<string>((resolve) => sock.s.on('disconnect', resolve));

    await ann.logout();
    expect(await doc.closed).toEqual({ code: 4401, reason: 'session ended: log in again' });
    expect(await disconnected).toBe('io server disconnect');
    expect(sock.events.find((e) => e.name === 'revoked')?.payload).toEqual({ reason: 'session-ended' });
    // And the old cookie opens nothing again.
    expect(await upgradeStatus(cookie, doc.itemId)).toBe(401);
    const again = ioClient(server.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
    expect((await new Promise<Error>((resolve) => again.on('connect_error', resolve))).message).toMatch(/unauthenticated/);
    again.close();
  });
});
