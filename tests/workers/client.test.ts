import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProtocolError, WorkerClient } from '../../workers/trainer/client';

/**
 * The trainer's protocol client against a stand-in server that throttles it:
 * a 429 was answered before the request was read, so even a claim (never
 * repeated after a lost answer) is sent again once Retry-After has passed.
 */
let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A server that answers the first `throttled` requests 429 (Retry-After: 1), then no job; the times requests arrived. */
async function throttlingServer(throttled: number, retryAfter = '1') {
  const arrivals: number[] = [];
  server = http.createServer((req, res) => {
    req.resume();
    arrivals.push(performance.now());
    if (arrivals.length <= throttled) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter });
      res.end(JSON.stringify({ error: { code: 'rate_limited', message: 'too many of your requests were refused in a short time; try again in 1 s' } }));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ job: null }));
    }
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals };
}

describe('the trainer\'s client when the server throttles it', () => {
  it('sends a claim again after the Retry-After wait, not before', async () => {
    const s = await throttlingServer(1);
    const job = await new WorkerClient(s.url, 'token').claim({ worker: 'w' });
    expect(job).toBeNull();
    expect(s.arrivals).toHaveLength(2);
    expect(s.arrivals[1] - s.arrivals[0]).toBeGreaterThanOrEqual(950);
  });

  it('gives up with the server\'s message when it stays throttled', async () => {
    const s = await throttlingServer(100, '0');
    const e = await new WorkerClient(s.url, 'token').claim({ worker: 'w' }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ProtocolError);
    expect((e as ProtocolError).status).toBe(429);
    expect((e as ProtocolError).message).toMatch(/try again/);
    expect(s.arrivals).toHaveLength(4);
  });
});
