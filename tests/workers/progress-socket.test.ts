import { afterEach, describe, expect, it, vi } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { openProgressSocket, type ProgressSocket } from '../../workers/trainer/progress-socket';
import { createLogger } from '../../server/log';

/**
 * A stand-in for the server's worker namespace: takes the token `good`, records every handshake,
 * connection event and progress (and when), and resolves `until(probe)` on the record that makes it true.
 */
async function standIn() {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { path: '/socket.io' });
  const got: { at: number; payload: any }[] = [];
  const events: string[] = [];
  const handshakes: string[] = [];
  const waiting = new Set<() => void>();
  const recorded = () => { for (const check of [...waiting]) check(); };
  io.of('/worker').use((socket, next) => {
    handshakes.push(socket.handshake.auth.token);
    recorded();
    return socket.handshake.auth.token === 'good' ? next() : next(new Error('unauthenticated: unknown or revoked worker token'));
  });
  io.of('/worker').on('connection', (socket) => {
    events.push('connect');
    recorded();
    socket.on('disconnect', () => { events.push('disconnect'); recorded(); });
    socket.on('progress', (payload, ack) => {
      got.push({ at: Date.now(), payload });
      recorded();
      if (typeof ack === 'function') ack({ ok: true, data: { relayed: true } });
    });
  });
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  /** Resolves once `probe` holds: at once, or on the record that makes it hold (the test's timeout bounds the wait). */
  const until = (probe: () => boolean) => new Promise<void>((resolve) => {
    const check = () => { if (probe()) { waiting.delete(check); resolve(); } };
    waiting.add(check);
    check();
  });
  return { url, got, events, handshakes, until, close: () => new Promise<void>((r) => io.close(() => r())) };
}

/**
 * The socket's own spacing runs on fake timers (setTimeout and Date only: the I/O stays real),
 * installed once the socket is connected. From then on only the stand-in's records are awaited
 * (expect.poll would move the fake clock).
 */
const fakeTheClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });

/**
 * Everything the trainer's socket sent before this report has reached the server once it has:
 * socket.io keeps one connection's messages in order. Nothing else can still be on its way.
 */
async function barrier(live: ProgressSocket, server: Awaited<ReturnType<typeof standIn>>) {
  live.report(0, { phase: 'barrier', done: 0, total: 0 });
  await server.until(() => server.got.some((g) => g.payload.phase === 'barrier'));
}

describe('the trainer\'s progress socket', () => {
  const log = createLogger('silent', 'trainer');
  const open: { close(): unknown }[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const o of open.splice(0)) await o.close();
  });

  async function connected(token = 'good', everyMs = 100) {
    const server = await standIn();
    const live = openProgressSocket(server.url, token, log, { everyMs });
    open.push(live, server);
    return { server, live };
  }

  it('sends a new phase at once and the same phase at most every interval, the latest value winning', async () => {
    const { server, live } = await connected();
    // The server sees the connection before this side does, and reports sent before that are dropped.
    await expect.poll(() => live.connected, { timeout: 15_000 }).toBe(true);
    fakeTheClock();
    const t0 = Date.now();
    for (let done = 0; done < 10; done++) live.report(7, { phase: 'fetching media', done, total: 10 });
    await server.until(() => server.got.length === 1);
    await vi.advanceTimersByTimeAsync(99);
    await barrier(live, server);
    expect(server.got.map((g) => g.payload.done)).toEqual([0, 0]); // the first, then the barrier: no second report before 100 ms
    await vi.advanceTimersByTimeAsync(1);
    await server.until(() => server.got.length === 3);
    live.report(7, { phase: 'training', done: 0, total: 50 });
    await server.until(() => server.got.length === 4);
    expect(server.got.filter((g) => g.payload.jobId === 7).map((g) => g.payload)).toEqual([
      { jobId: 7, phase: 'fetching media', done: 0, total: 10 },
      { jobId: 7, phase: 'fetching media', done: 9, total: 10 },
      { jobId: 7, phase: 'training', done: 0, total: 50 },
    ]);
    // The server's clock is the same fake one: the interval's report went out at 100 ms, the new phase with no wait.
    expect(server.got.filter((g) => g.payload.jobId === 7).map((g) => g.at - t0)).toEqual([0, 100, 100]);
  });

  it('lets a new phase supersede a report still waiting for its turn, and drops it when the job ends', async () => {
    const { server, live } = await connected();
    // The server sees the connection before this side does, and reports sent before that are dropped.
    await expect.poll(() => live.connected, { timeout: 15_000 }).toBe(true);
    fakeTheClock();
    live.report(1, { phase: 'embedding', done: 0, total: 4 });
    live.report(1, { phase: 'embedding', done: 2, total: 4 });
    live.report(1, { phase: 'training', done: 0, total: 4 });
    live.report(1, { phase: 'training', done: 3, total: 4 });
    live.finish(1);
    // Well past the interval: a report still waiting would have gone out by now.
    await vi.advanceTimersByTimeAsync(250);
    await barrier(live, server);
    expect(server.got.map((g) => `${g.payload.phase} ${g.payload.done}`)).toEqual(['embedding 0', 'training 0', 'barrier 0']);
  });

  it('drops reports while it is not connected (a refused token, a server away) instead of sending them stale later', async () => {
    const refused = await connected('tdw_nope');
    await refused.server.until(() => refused.server.handshakes.length > 0); // refused by the middleware
    refused.live.report(2, { phase: 'training', done: 1, total: 2 });
    expect(refused.live.connected).toBe(false);
    expect(refused.server.events).toEqual([]);
    expect(refused.server.got).toEqual([]);

    const server = await standIn();
    open.push(server);
    const early = openProgressSocket(server.url, 'good', log, { everyMs: 100 });
    open.push(early);
    early.report(3, { phase: 'starting', done: 0, total: 0 }); // before the handshake is through
    await expect.poll(() => early.connected, { timeout: 15_000 }).toBe(true);
    // Had socket.io kept the early report, it would have sent it on connecting, ahead of the barrier.
    await barrier(early, server);
    expect(server.got.map((g) => g.payload.phase)).toEqual(['barrier']);
  });

  it('disconnects cleanly when the worker stops', async () => {
    const { server, live } = await connected();
    // The server sees the connection before this side does, and reports sent before that are dropped.
    await expect.poll(() => live.connected, { timeout: 15_000 }).toBe(true);
    fakeTheClock();
    live.report(4, { phase: 'training', done: 0, total: 2 });
    await server.until(() => server.got.length === 1);
    live.report(4, { phase: 'training', done: 1, total: 2 });
    expect(vi.getTimerCount()).toBeGreaterThan(0); // the second waits for its turn
    (live as ProgressSocket).close();
    expect(vi.getTimerCount()).toBe(0); // and went with the socket
    // The server's side is gone too: nothing sent before the close can still arrive.
    await server.until(() => server.events.includes('disconnect'));
    await vi.advanceTimersByTimeAsync(150);
    expect(server.got).toHaveLength(1);
  });
});
