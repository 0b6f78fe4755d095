import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import http from 'node:http';
import path from 'node:path';
import net from 'node:net';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';
import { TMP_ROOT } from '../fixtures/paths';
import { createDrain } from '../../server/shutdown';
import { Client } from '../fixtures/http-client';

const quietLog = () => {
  const warned: string[] = [];
  const fields: object[] = [];
  return { warned, fields, log: { warn: (o: object, msg?: string) => { fields.push(o); warned.push(msg ?? ''); } } };
};

describe('the bounded drain of a stopping server', () => {
  it('cuts a connection that holds the server past the grace period, upgraded sockets included, and names a step that outlives it', async () => {
    const server = http.createServer(() => { /* never answers: the request stays in flight */ });
    // An upgraded socket is no longer an HTTP connection: closeAllConnections alone leaves it open.
    server.on('upgrade', (_req, socket) => socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as net.AddressInfo;
    const { warned, fields, log } = quietLog();
    const drain = createDrain(server, log, 300);
    const open = (head: string) => new Promise<net.Socket>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.write(head); resolve(s); });
      s.on('error', () => {});
      s.resume(); // reads, so the server's end reaches 'close'
    });
    const inFlight = await open('GET /?secret=1 HTTP/1.1\r\nHost: x\r\n\r\n');
    const upgraded = await open('GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n');
    await new Promise((r) => setTimeout(r, 100));
    expect(drain.open()).toBe(2);

    const ended = Promise.all([inFlight, upgraded].map((s) => new Promise((r) => s.once('close', r))));
    const closed = new Promise<void>((r) => server.close(() => r()));
    drain.begin();
    const started = Date.now();
    // The server's close waits for both; at the end of the grace they are cut, and it follows.
    // (A floor past the grace: the close follows the cut by an I/O turn, which a loaded machine may delay.)
    expect(await drain.step('the open connections', closed, 10_000)).toBe('done');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(10_000);
    await ended;
    await vi.waitFor(() => expect(drain.open()).toBe(0));
    expect(warned).toEqual(['shutdown: connections still open after the grace period were closed']);
    // Each named by the request it carried last.
    expect((fields[0] as { last: string[] }).last.sort()).toEqual(['GET /', 'upgraded: GET /']);
    // A step that outlives the grace is passed, and named.
    expect(await drain.step('a page that never lets go', new Promise(() => {}))).toBe('late');
    expect(warned).toContain('shutdown: a page that never lets go did not finish in time; going on without it');
  });

  it('closes a kept-alive connection as soon as its request is answered during the grace, not at its end', async () => {
    const server = http.createServer((_req, res) => { setTimeout(() => res.end('ok'), 200); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as net.AddressInfo;
    const { warned, log } = quietLog();
    const drain = createDrain(server, log, 10_000);
    const socket = net.connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n'));
    socket.on('error', () => {});
    socket.resume();
    const ended = new Promise((r) => socket.once('close', r));
    await new Promise((r) => setTimeout(r, 50)); // the request is in flight
    const closed = new Promise<void>((r) => server.close(() => r()));
    drain.begin();
    const started = Date.now();
    expect(await drain.step('the open connections', closed)).toBe('done');
    await ended;
    drain.end();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(warned).toEqual([]);
  });

  it('waits for a step that finishes in time, logs a step that fails, and ends the grace period early', async () => {
    const server = http.createServer();
    const { warned, log } = quietLog();
    const drain = createDrain(server, log, 5000);
    drain.begin();
    expect(await drain.step('quick', new Promise((r) => setTimeout(r, 20)))).toBe('done');
    expect(await drain.step('broken', Promise.reject(new Error('boom')))).toBe('done');
    drain.end();
    expect(warned).toEqual(['shutdown: a step failed; going on']);
  });

  it('gives a step at least its floor though the grace period is spent', async () => {
    const { log } = quietLog();
    const drain = createDrain(http.createServer(), log, 0);
    drain.begin();
    await new Promise((r) => setTimeout(r, 20));
    expect(await drain.step('the database', new Promise((r) => setTimeout(r, 50)), 500)).toBe('done');
    expect(await drain.step('never', new Promise(() => {}), 50)).toBe('late');
  });
});

/**
 * A browser left open keeps asking (a page's reconnects, its status polls) over
 * connections it keeps alive. None of that may hold a stopping server: it ends
 * them and exits within seconds of SIGTERM, with code 0.
 */
describe('stopping a server that a page keeps asking', () => {
  let server: TandemProcess;

  beforeAll(async () => {
    server = await startTandem({ dataDir: path.join(TMP_ROOT, 'server-shutdown'), port: await freePort(), env: { TANDEM_DEMO_LIMIT: '20' } });
  }, 400_000);
  afterAll(async () => { await server?.stop('SIGKILL'); });

  it('exits within seconds of SIGTERM though one kept-alive connection asks again every 300 ms and an upload stalls half-way', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const ask = () => new Promise<number>((resolve) => {
      const req = http.get(`${server.url}/api/projects`, { agent }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
      req.on('error', () => resolve(-1));
    });
    expect(await ask()).toBe(401);
    let asking = true;
    const answered: number[] = [];
    const asker = (async () => {
      while (asking) {
        answered.push(await ask());
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    // And an annotator's answer whose body stalls half-way: its request never ends by itself.
    const ann = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
    const stalled = net.connect(Number(new URL(server.url).port), '127.0.0.1');
    stalled.on('error', () => {});
    stalled.resume();
    const stalledClosed = new Promise((r) => stalled.once('close', r));
    stalled.write(`POST /api/projects/1/labels HTTP/1.1\r\nHost: localhost\r\nCookie: ${ann.cookieHeader()}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"lea\r\n`);
    try {
      await new Promise((r) => setTimeout(r, 1000));
      const started = Date.now();
      const code = await Promise.race([server.stop(), new Promise<'still running'>((r) => setTimeout(() => r('still running'), 20_000))]);
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(20_000);
      await stalledClosed;
      // Some were answered before it stopped, and a refused connection is what came after.
      expect(answered.filter((s) => s === 401).length).toBeGreaterThan(0);
      expect(answered.every((s) => s === 401 || s === -1)).toBe(true);
    } finally {
      asking = false;
      await asker;
      agent.destroy();
    }
  }, 60_000);
});
