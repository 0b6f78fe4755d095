import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../../fixtures/tandem-server';
import { Client } from '../../fixtures/http-client';
import { TMP_ROOT } from '../../fixtures/paths';

const dataDir = path.join(TMP_ROOT, 'yjs-persist');
let server: TandemProcess;
let port: number;

beforeAll(async () => {
  port = await freePort();
  server = await startTandem({ dataDir, port, env: { TANDEM_DEMO_LIMIT: '20' } });
}, 400_000);
afterAll(async () => { await server?.stop(); });

/** A y-websocket client (the real provider) on /yjs/<doc>, carrying the session cookie. */
function open(cookie: string, doc: string): { ydoc: Y.Doc; provider: WebsocketProvider; synced: Promise<void> } {
  const ydoc = new Y.Doc();
  class CookieWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie } });
    }
  }
  const provider = new WebsocketProvider(`ws://localhost:${port}/yjs`, doc, ydoc, { WebSocketPolyfill: CookieWebSocket as never, disableBc: true });
  const synced = new Promise<void>((resolve) => provider.once('sync', () => resolve()));
  return { ydoc, provider, synced };
}

describe('Yjs endpoint', () => {
  it('syncs two clients on one item and keeps the document across a restart', async () => {
    const c = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    const leases = await c.request('POST', '/api/projects/1/leases', { hold: 1 });
    const doc = `item-${leases.json.leases[0].itemId}`;

    const a = open(c.cookieHeader(), doc);
    const b = open(c.cookieHeader(), doc);
    await Promise.all([a.synced, b.synced]);
    a.ydoc.getMap('draft').set('label', '7');
    await expect.poll(() => b.ydoc.getMap('draft').get('label'), { timeout: 15_000 }).toBe('7');
    a.provider.destroy();
    b.provider.destroy();

    expect(await server.stop()).toBe(0);
    server = await startTandem({ dataDir, port, env: { TANDEM_DEMO_LIMIT: '20' } });
    const c2 = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    const again = open(c2.cookieHeader(), doc);
    await again.synced;
    expect(again.ydoc.getMap('draft').get('label')).toBe('7');
    again.provider.destroy();
  });

  it("opens the signed-in user's own draft of an item: another annotator of the item sees none of it", async () => {
    const ann1 = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    const ann2 = await new Client(server.url).login('ann2@tandem.local', DEMO_PASSWORD);
    const leases = await ann1.request('POST', '/api/projects/1/leases', { hold: 1 });
    const doc = `item-${leases.json.leases[0].itemId}`;

    const mine = open(ann1.cookieHeader(), doc);
    await mine.synced;
    mine.ydoc.getMap('draft').set('label', 'half-done');
    const again = open(ann1.cookieHeader(), doc);
    await again.synced;
    await expect.poll(() => again.ydoc.getMap('draft').get('label'), { timeout: 15_000 }).toBe('half-done');

    const theirs = open(ann2.cookieHeader(), doc);
    await theirs.synced;
    theirs.ydoc.getMap('draft').set('label', 'theirs');
    // ann2's change reached the server (a third connection of ann2 reads it) and never ann1's draft.
    const theirsAgain = open(ann2.cookieHeader(), doc);
    await theirsAgain.synced;
    await expect.poll(() => theirsAgain.ydoc.getMap('draft').get('label'), { timeout: 15_000 }).toBe('theirs');
    expect(mine.ydoc.getMap('draft').get('label')).toBe('half-done');
    expect(again.ydoc.getMap('draft').get('label')).toBe('half-done');
    for (const c of [mine, again, theirs, theirsAgain]) c.provider.destroy();
  });
});
