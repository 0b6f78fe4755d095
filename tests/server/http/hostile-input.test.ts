import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import path from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { DEMO_PASSWORD, freePort, startTandem, type TandemProcess } from '../../fixtures/tandem-server';
import { Client } from '../../fixtures/http-client';
import { runTandemCli } from '../../fixtures/cli';
import { TMP_ROOT } from '../../fixtures/paths';
import { streamBody as rawStream } from '../../fixtures/fuzz/harness';
import { CLOSE_DOCUMENT_FULL, CLOSE_MESSAGE_TOO_BIG, LIVE_DOC_KINDS } from '../../../lib/protocol/live-docs';

/**
 * The findings of issue 15 about sizes, origins and malformed upgrades, each
 * reproduced against a real server: the server refuses early, stays up, and
 * keeps answering everyone else.
 */
const dataDir = path.join(TMP_ROOT, 'hostile-input');
let server: TandemProcess;
let port: number;
let ann: Client;
let stranger: Client;
let workerToken: string;

beforeAll(async () => {
  port = await freePort();
  server = await startTandem({ dataDir, port, env: { TANDEM_DEMO_LIMIT: '20' } });
  ann = await new Client(server.url).login('ann1@tandem.local', DEMO_PASSWORD);
  const admin = await new Client(server.url).login('admin@tandem.local', DEMO_PASSWORD);
  expect((await admin.request('POST', '/api/users', { email: 'stranger@tandem.local', password: 'stranger-password', role: 'user' })).status).toBe(200);
  stranger = await new Client(server.url).login('stranger@tandem.local', 'stranger-password');
  const minted = await runTandemCli(dataDir, ['worker', 'token', 'create', '--name', 'fuzz']);
  expect(minted.code, minted.err).toBe(0);
  workerToken = minted.out.trim().split('\n').pop()!.trim();
}, 180_000);
afterAll(async () => { await server?.stop(); });

/**
 * Streams `totalBytes` of body without a Content-Length (chunked) and resolves
 * with the answer and how much had been sent when it came: a server that reads
 * the whole body before answering has read all of it.
 */
function streamBody(opts: { method: string; path: string; headers: Record<string, string>; totalBytes: number; contentLength?: number }): Promise<{ status: number; body: string; sentWhenAnswered: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    // A connection of its own: a client that was answered before it finished sending does not reuse it.
    const req = http.request({ agent: false, host: '127.0.0.1', port, method: opts.method, path: opts.path, headers: { ...opts.headers, host: `localhost:${port}`, ...(opts.contentLength === undefined ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(opts.contentLength) }) } }, (res) => {
      answered = true;
      const sentWhenAnswered = sent;
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, sentWhenAnswered });
        req.destroy();
      });
      res.on('error', reject);
    });
    req.on('error', (e) => { if (!answered) reject(e); });
    const chunk = Buffer.alloc(256 * 1024, 0x20); // spaces: still "JSON" to a parser that reads it all
    const pump = () => {
      while (!answered && sent < opts.totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered && opts.contentLength === undefined) req.end();
    };
    req.on('socket', (s) => s.once('connect', pump));
  });
}

function rawRequest(opts: { method: string; path: string; headers: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // A connection of its own: a client that was answered before it finished sending does not reuse it.
    const req = http.request({ agent: false, host: '127.0.0.1', port, method: opts.method, path: opts.path, headers: { host: `localhost:${port}`, ...opts.headers } }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function stillServing(): Promise<void> {
  const t0 = performance.now();
  const r = await ann.request('GET', '/api/projects/1/progress');
  expect(r.status).toBe(200);
  expect(performance.now() - t0).toBeLessThan(1000);
}

describe('request bodies', () => {
  it('answers a stranger with a 404 before reading the body', async () => {
    // A declared megabyte of which a quarter is sent: the answer comes without waiting for the rest.
    const r = await streamBody({ method: 'PATCH', path: '/api/projects/1/queue', headers: { cookie: stranger.cookieHeader(), 'content-type': 'application/json' }, totalBytes: 256 * 1024, contentLength: 1024 * 1024 });
    expect(r.status).toBe(404);
    await stillServing();
  });

  it('refuses a body of unknown length where Next.js would keep a copy of it (411), before any route runs', async () => {
    for (const [method, p, headers] of [
      ['PATCH', '/api/projects/1/queue', { cookie: ann.cookieHeader() }],
      ['PUT', '/api/worker/v1/projects/1/embeddings', { authorization: `Bearer ${workerToken}` }],
      ['POST', '/api/auth/callback/credentials', {}],
    ] as const) {
      // A raw socket that reads while it writes, as a browser does (Node's client gives up on the first failed write).
      const r = await rawStream(server.url, { method, path: p, headers: { ...headers, 'content-type': 'application/json' }, totalBytes: 64 * 1024 * 1024, contentLength: null, timeoutMs: 30_000 });
      expect(r.status, `${p} ${r.error ?? ''}`).toBe(411);
      expect(r.sentBytes, p).toBeLessThan(64 * 1024 * 1024);
    }
    await stillServing();
  });

  it('answers a chunked body past the limit on the hot routes (claim, label) with a 413 the sender can read', async () => {
    for (const [who, client] of [['member', ann], ['stranger', stranger]] as const) {
      for (const p of ['/api/projects/1/leases', '/api/projects/1/labels']) {
        // A raw socket that reads while it writes, as a browser does: Node's client can see the reset of the
        // dropped rest before it reads the answer, a race of the client's, not of the server's.
        const r = await rawStream(server.url, { method: 'POST', path: p, headers: { cookie: client.cookieHeader(), 'content-type': 'application/json' }, totalBytes: 3 * 1024 * 1024, contentLength: null, timeoutMs: 30_000 });
        expect(r.status, `${who} ${p} ${r.error ?? ''}`).toBe(413);
      }
    }
    await stillServing();
  });

  it('refuses a declared length past the limit before reading anything, on every route', async () => {
    for (const p of ['/api/projects/1/labels', '/api/projects/1/queue', '/api/auth/callback/credentials', '/login', '/api/worker/v1/jobs/claim']) {
      const r = await rawRequest({ method: 'POST', path: p, headers: { cookie: ann.cookieHeader(), 'content-type': 'application/json', 'content-length': String(500 * 1024 * 1024) } });
      expect(r.status, p).toBe(413);
    }
    await stillServing();
  });

  it('takes a label with a hot route\'s body of the ordinary size', async () => {
    const claim = await ann.request('POST', '/api/projects/1/leases', { hold: 1 });
    expect(claim.status).toBe(200);
  });
});

describe('content types and origins', () => {
  it('refuses a text/plain body on a JSON route (415) and changes nothing', async () => {
    const before = await ann.request('GET', '/api/projects/1/progress');
    const r = await rawRequest({ method: 'POST', path: '/api/projects/1/labels', headers: { cookie: ann.cookieHeader(), 'content-type': 'text/plain' }, body: JSON.stringify({ itemId: 1, label: '1', clientKey: 'k-text-plain' }) });
    expect(r.status).toBe(415);
    expect(JSON.parse(r.body).error.code).toBe('unsupported_media_type');
    expect((await ann.request('GET', '/api/projects/1/progress')).json).toEqual(before.json);
  });

  it('refuses a change sent from another origin (another port of this host too)', async () => {
    for (const origin of [`http://localhost:${port + 1}`, 'https://evil.example']) {
      const r = await rawRequest({ method: 'POST', path: '/api/projects/1/queue/pause', headers: { cookie: ann.cookieHeader(), origin, 'content-type': 'application/json' }, body: '{}' });
      expect(r.status, origin).toBe(403);
    }
    const sameSite = await rawRequest({ method: 'POST', path: '/api/projects/1/leases', headers: { cookie: ann.cookieHeader(), 'sec-fetch-site': 'same-site', 'content-type': 'application/json' }, body: '{"hold":1}' });
    expect(sameSite.status).toBe(403);
    const own = await rawRequest({ method: 'POST', path: '/api/projects/1/leases', headers: { cookie: ann.cookieHeader(), origin: `http://localhost:${port}`, 'content-type': 'application/json' }, body: '{"hold":1}' });
    expect(own.status).toBe(200);
  });
});

/** Opens /yjs/<doc> with a cookie; resolves with the socket once open, or with the HTTP status it was refused with. */
function openYjs(doc: string, cookie: string): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://localhost:${port}/yjs/${doc}`, { headers: { cookie } });
    ws.once('open', () => {
      ws.on('error', () => {}); // a refused frame can end in EPIPE on this side; the close code is what is checked
      resolve({ ws });
    });
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.once('error', reject);
  });
}

const closed = (ws: WebSocket) => new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));

/** A y-protocols sync "update" frame (message 0, step 2) carrying a Yjs update. */
function updateFrame(update: Uint8Array): Uint8Array {
  const head = [0, 2];
  let n = update.length;
  do { head.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0)); n >>>= 7; } while (n > 0);
  return Buffer.concat([Buffer.from(head), Buffer.from(update)]);
}

describe('the Yjs endpoint', () => {
  it('answers a malformed document URL with a 400 instead of hanging', async () => {
    for (const doc of ['%E0%A4%A', 'item-01', 'item-1.0', 'item-99999999999999999', '..%2Fetc']) {
      expect((await openYjs(doc, ann.cookieHeader())).status, doc).toBe(400);
    }
  });

  it('closes a connection that sends a frame past the limit (a 90 MiB update) and stays up', async () => {
    const lease = (await ann.request('POST', '/api/projects/1/leases', { hold: 1 })).json.leases[0];
    const { ws } = await openYjs(`item-${lease.itemId}`, ann.cookieHeader());
    const big = new Y.Doc();
    big.getText('t').insert(0, 'x'.repeat(90 * 1024 * 1024));
    const end = closed(ws!);
    ws!.send(updateFrame(Y.encodeStateAsUpdate(big)));
    expect((await end).code).toBe(CLOSE_MESSAGE_TOO_BIG);
    await stillServing();
  });

  it('refuses updates past the document cap, keeps what came before, and tells the sender why', async () => {
    const lease = (await ann.request('POST', '/api/projects/1/leases', { hold: 1 })).json.leases[0];
    const name = `item-${lease.itemId}`;
    const { ws } = await openYjs(name, ann.cookieHeader());
    const local = new Y.Doc();
    const end = closed(ws!);
    const piece = Math.floor(LIVE_DOC_KINDS.item.maxMessageBytes / 2);
    let refused: { code: number; reason: string } | undefined;
    void end.then((c) => { refused = c; });
    for (let i = 0; i < 2 * LIVE_DOC_KINDS.item.maxDocBytes / piece && !refused; i++) {
      const before = Y.encodeStateVector(local);
      local.getText('t').insert(0, String(i % 10).repeat(piece));
      ws!.send(updateFrame(Y.encodeStateAsUpdate(local, before)));
      await new Promise<void>((r) => ws!.ping(undefined, undefined, () => r()));
    }
    const c = await end;
    expect(c.code).toBe(CLOSE_DOCUMENT_FULL);
    expect(c.reason).toMatch(/document full/);
    // What the server kept is under the cap and reaches the next client.
    const { ws: again } = await openYjs(name, ann.cookieHeader());
    const replica = new Y.Doc();
    const synced = new Promise<void>((resolve) => again!.on('message', (m: Buffer) => {
      if (m[0] === 0 && m[1] === 1) {
        Y.applyUpdate(replica, m.subarray(2 + varintLength(m, 2)));
        resolve();
      }
    }));
    again!.send(Buffer.from([0, 0, 1, 0])); // sync step 1 with an empty state vector
    await synced;
    const kept = replica.getText('t').length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(LIVE_DOC_KINDS.item.maxDocBytes);
    again!.close();
    await stillServing();
  });
});

function varintLength(buf: Buffer, at: number): number {
  let i = at;
  while (buf[i] & 0x80) i++;
  return i - at + 1;
}
