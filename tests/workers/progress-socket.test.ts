import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { openProgressSocket, type ProgressSocket } from '../../workers/trainer/progress-socket';
import { createLogger } from '../../server/log';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stand-in for the server's worker namespace: takes the token `good`, records every progress and when. */
async function standIn() {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { path: '/socket.io' });
  const got: { at: number; payload: any }[] = [];
  const events: string[] = [];
  io.of('/worker').use((socket, next) => (socket.handshake.auth.token === 'good' ? next() : next(new Error('unauthenticated: unknown or revoked worker token'))));
  io.of('/worker').on('connection', (socket) => {
    events.push('connect');
    socket.on('disconnect', () => events.push('disconnect'));
    socket.on('progress', (payload, ack) => {
      got.push({ at: Date.now(), payload });
      if (typeof ack === 'function') ack({ ok: true, data: { relayed: true } });
    });
  });
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return { url, got, events, close: () => new Promise<void>((r) => io.close(() => r())) };
}

describe('the trainer\'s progress socket', () => {
  const log = createLogger('silent', 'trainer');
  const open: { close(): unknown }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
  });

  async function connected(token = 'good', everyMs = 100) {
    const server = await standIn();
    const live = openProgressSocket(server.url, token, log, { everyMs });
    open.push(live, server);
    return { server, live };
  }
  const waitFor = async (probe: () => boolean) => {
    for (let i = 0; i < 100 && !probe(); i++) await sleep(20);
    expect(probe()).toBe(true);
  };

  it('sends a new phase at once and the same phase at most every interval, the latest value winning', async () => {
    const { server, live } = await connected();
    // The server sees the connection before this side does, and reports sent before that are dropped.
    await waitFor(() => live.connected);
    const t0 = Date.now();
    for (let done = 0; done < 10; done++) live.report(7, { phase: 'fetching media', done, total: 10 });
    // The interval's report first (on a loaded machine its timer may fire late), then a new phase.
    await waitFor(() => server.got.length === 2);
    live.report(7, { phase: 'training', done: 0, total: 50 });
    await waitFor(() => server.got.length === 3);
    expect(server.got.map((g) => g.payload)).toEqual([
      { jobId: 7, phase: 'fetching media', done: 0, total: 10 },
      { jobId: 7, phase: 'fetching media', done: 9, total: 10 },
      { jobId: 7, phase: 'training', done: 0, total: 50 },
    ]);
    expect(server.got[1].at - t0).toBeGreaterThanOrEqual(90);
    expect(server.got[1].at - t0).toBeLessThan(2000);
  });

  it('lets a new phase supersede a report still waiting for its turn, and drops it when the job ends', async () => {
    const { server, live } = await connected();
    // The server sees the connection before this side does, and reports sent before that are dropped.
    await waitFor(() => live.connected);
    live.report(1, { phase: 'embedding', done: 0, total: 4 });
    live.report(1, { phase: 'embedding', done: 2, total: 4 });
    live.report(1, { phase: 'training', done: 0, total: 4 });
    live.report(1, { phase: 'training', done: 3, total: 4 });
    live.finish(1);
    await sleep(250);
    expect(server.got.map((g) => `${g.payload.phase} ${g.payload.done}`)).toEqual(['embedding 0', 'training 0']);
  });

  it('drops reports while it is not connected (a refused token, a server away) instead of sending them stale later', async () => {
    const refused = await connected('tdw_nope');
    await sleep(200);
    refused.live.report(2, { phase: 'training', done: 1, total: 2 });
    expect(refused.server.events).toEqual([]);

    const server = await standIn();
    open.push(server);
    const early = openProgressSocket(server.url, 'good', log, { everyMs: 100 });
    open.push(early);
    early.report(3, { phase: 'starting', done: 0, total: 0 }); // before the handshake is through
    await waitFor(() => server.events.includes('connect'));
    await sleep(100);
    expect(server.got).toEqual([]);
  });

  it('disconnects cleanly when the worker stops', async () => {
    const { server, live } = await connected();
    // The server sees the connection before this side does, and reports sent before that are dropped.
    await waitFor(() => live.connected);
    live.report(4, { phase: 'training', done: 0, total: 2 });
    await waitFor(() => server.got.length === 1);
    live.report(4, { phase: 'training', done: 1, total: 2 });
    (live as ProgressSocket).close();
    await waitFor(() => server.events.includes('disconnect'));
    await sleep(150);
    expect(server.got).toHaveLength(1); // the waiting report went with it
  });
});
