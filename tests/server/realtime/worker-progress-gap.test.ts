import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as ioClient, type Socket } from 'socket.io-client';
import { PROGRESS_EVENT, WORKER_NAMESPACE } from '../../../lib/protocol/worker';
import { createLogger } from '../../../server/log';
import type { Services } from '../../../server/services';
import { PROGRESS_MIN_GAP_MS, setupWorkerSockets } from '../../../server/realtime/worker-socket';

/**
 * The worker namespace's spacing of one job's progress, on a fake clock (Date only: the sockets'
 * I/O and timers stay real) with stand-in services that record what was stored and relayed.
 * The real server and trainer: worker-socket.test.ts.
 */
describe('the worker socket\'s spacing of progress', () => {
  const reported: string[] = [];
  const services = {
    training: {
      authenticate: async () => ({ tokenId: 1, name: 'w', projectIds: null }),
      reportProgress: async (_w: unknown, jobId: number, p: { phase: string; done: number }) => { reported.push(`${jobId} ${p.phase} ${p.done}`); },
    },
  } as unknown as Services;
  let httpServer: http.Server;
  let io: Server;
  let socket: Socket;

  beforeAll(async () => {
    httpServer = http.createServer();
    io = new Server(httpServer, { path: '/socket.io' });
    setupWorkerSockets(io, { services, log: createLogger('silent', 'test') });
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', () => r()));
    socket = ioClient(`http://127.0.0.1:${(httpServer.address() as AddressInfo).port}${WORKER_NAMESPACE}`, {
      path: '/socket.io', transports: ['websocket'], auth: { token: 'tdw_test' }, reconnection: false,
    });
    await new Promise<void>((resolve, reject) => { socket.on('connect', () => resolve()); socket.on('connect_error', reject); });
  });
  afterEach(() => { vi.useRealTimers(); });
  afterAll(async () => {
    socket.close();
    await new Promise<void>((r) => io.close(() => r()));
  });

  const say = async (jobId: number, phase: string, done: number) =>
    ((await socket.emitWithAck(PROGRESS_EVENT, { jobId, phase, done, total: 10 })) as { data: { relayed: boolean } }).data.relayed;

  it(`relays one job's progress in the same phase at most every ${PROGRESS_MIN_GAP_MS} ms, a new phase or another job's at once`, async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.now();
    expect(await say(1, 'training', 1)).toBe(true);
    vi.setSystemTime(t0 + PROGRESS_MIN_GAP_MS - 1);
    expect(await say(1, 'training', 2)).toBe(false);
    expect(await say(2, 'training', 1)).toBe(true);
    vi.setSystemTime(t0 + PROGRESS_MIN_GAP_MS);
    expect(await say(1, 'training', 3)).toBe(true);
    expect(await say(1, 'ranking', 0)).toBe(true);
    expect(await say(1, 'ranking', 1)).toBe(false);
    // What was not relayed was not stored either: the heartbeat carries the latest.
    expect(reported).toEqual(['1 training 1', '2 training 1', '1 training 3', '1 ranking 0']);
  });
});
