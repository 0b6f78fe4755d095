import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import WebSocket from 'ws';
import { io as ioClient, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../db/client';
import { ROOT, TMP_ROOT } from '../../fixtures/paths';
import { DEMO_PASSWORD } from '../../fixtures/tandem-server';
import { Client } from '../../fixtures/http-client';
import { changedTables } from '../../fixtures/fuzz/fingerprint';
import { Findings, fuzzBudget, judge, send, type Caller } from '../../fixtures/fuzz/harness';
import { BAD_ID_VALUES, describeValue, jsonText, MALFORMED_BODIES, setAt } from '../../fixtures/fuzz/inputs';
import { startFuzzServer, type FuzzServer } from '../../fixtures/fuzz/server';
import { BAD_DOC_NAMES, malformedFrames, oversizedUpdateMessage } from '../../fixtures/fuzz/yjs-frames';

/**
 * The fuzz suite for what is not a JSON route: socket.io events (pages on the
 * default namespace, trainers on /worker), the Yjs endpoint, the CLI endpoint
 * and Auth.js's routes, on a real `tandem start` (PGlite). Same promise as
 * routes-suite.ts: no 5xx (no `internal` acknowledgement), the process stays
 * up, nothing stored from what is refused, a normal answer within a second.
 */
const { cases, seed } = fuzzBudget(4);
const YJS_OVERSIZE_BYTES = Number(process.env.FUZZ_YJS_MB ?? 8) * 2 ** 20;
const dataDir = path.join(TMP_ROOT, 'fuzz-edges');
let fz: FuzzServer;
const all: string[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  fz = await startFuzzServer('pglite', dataDir);
  await fz.refresh();
}, 180_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  fs.mkdirSync(path.join(ROOT, 'tests/.tmp'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'tests/.tmp/fuzz-edges.txt'), all.join('\n') + '\n');
  await fz?.close();
});

async function batch(where: string, findings: Findings, run: () => Promise<void>) {
  const before = await fz.fingerprint();
  await run();
  const changed = changedTables(before, await fz.fingerprint());
  if (changed.length) findings.add(where, 'any caller', 'database', `the database changed (${changed.join(', ')})`, 'input it had to refuse');
  const sick = await fz.healthy(1000);
  if (sick) findings.add(where, 'the annotator', 'health', sick, 'after the batch');
}

function report(findings: Findings) {
  const lines = findings.list();
  all.push(...lines);
  expect(lines, `\n${lines.join('\n')}\n`).toEqual([]);
}

/** A connected socket, or the refusal. */
function connect(nsp: string, opts: { cookie?: string; auth?: unknown }): Promise<{ socket: Socket; error?: Error & { data?: unknown } }> {
  const socket = ioClient(`${fz.server.url}${nsp}`, {
    path: '/socket.io', transports: ['websocket'], reconnection: false, timeout: 5000,
    extraHeaders: opts.cookie ? { cookie: opts.cookie } : {}, auth: opts.auth as Record<string, unknown> | undefined,
  });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.on('connect', () => resolve({ socket }));
    socket.on('connect_error', (error) => resolve({ socket, error }));
    // A handshake past the message limit (64 KiB) is cut by engine.io before socket.io answers it.
    socket.io.engine?.on('close', (reason: string) => resolve({ socket, error: new Error(`closed by the server: ${reason}`) }));
    socket.io.on('close', (reason: string) => resolve({ socket, error: new Error(`closed by the server: ${reason}`) }));
  });
}

/** The acknowledgement of an event, or `no ack` within `ms`. */
async function ack(socket: Socket, event: string, ...args: unknown[]): Promise<unknown> {
  try {
    return await socket.timeout(3000).emitWithAck(event, ...args);
  } catch {
    return socket.connected ? 'no ack' : 'disconnected';
  }
}

const isInternal = (reply: unknown) => typeof reply === 'object' && reply !== null && (reply as { error?: { code?: string } }).error?.code === 'internal';
const isOk = (reply: unknown) => typeof reply === 'object' && reply !== null && (reply as { ok?: boolean }).ok === true;

/** Payload values that must be refused where an id is expected, drawn from the shared hostile set plus fast-check's JSON. */
function hostilePayloads(template: Record<string, unknown>, n: number, s: number): { what: string; payload: unknown }[] {
  const keys = Object.keys(template);
  return fc.sample(fc.oneof(
    fc.record({ key: fc.constantFrom(...keys), value: fc.constantFrom(...BAD_ID_VALUES.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))) })
      .map(({ key, value }) => ({ what: `${key} = ${describeValue(value)}`, payload: setAt(template, [key], value) })),
    fc.constantFrom<unknown>(null, 'x', 42, [], [template], true).map((payload) => ({ what: `payload ${describeValue(payload)}`, payload })),
    fc.jsonValue({ maxDepth: 3 }).map((v) => ({ what: `unknown field = ${describeValue(v)}`, payload: { ...template, extra: v } })),
    fc.constantFrom(...keys).map((key) => ({ what: `${key} missing`, payload: Object.fromEntries(Object.entries(template).filter(([k]) => k !== key)) })),
  ), { seed: s, numRuns: n });
}

describe('socket.io on the default namespace (pages)', () => {
  it('refuses hostile subscribe and unsubscribe payloads and unknown events without an internal error, and serves on', async () => {
    const findings = new Findings();
    await batch('socket.io /', findings, async () => {
      for (const [who, client] of [['admin', fz.clients.admin], ['annotator', fz.clients.annotator], ['non-member', fz.clients.outsider]] as const) {
        const { socket, error } = await connect('', { cookie: client.cookieHeader() });
        if (error) { findings.add('socket.io /', who, 'handshake', `refused: ${error.message}`, 'a real session'); continue; }
        for (const event of ['subscribe', 'unsubscribe']) {
          for (const { what, payload } of hostilePayloads({ projectId: fz.ctx.projectId }, cases * 2, seed + event.length)) {
            const reply = await ack(socket, event, payload);
            if (isInternal(reply) || reply === 'no ack') findings.add(`socket.io ${event}`, who, what.split(' ')[0], JSON.stringify(reply).slice(0, 120), what);
            else if (isOk(reply)) findings.add(`socket.io ${event}`, who, 'accepted', 'accepted', what);
            if (!socket.connected) { findings.add(`socket.io ${event}`, who, 'dropped', 'the connection was dropped', what); break; }
          }
        }
        // Events nobody listens to, odd argument lists, binary: nothing to answer, nothing to break.
        for (const [event, args] of [['__proto__', [{}]], ['constructor', [1]], ['x'.repeat(1000), []], ['subscribe', []], ['subscribe', [1, 2, 3, 4]], ['subscribe', [Buffer.alloc(1024)]]] as [string, unknown[]][]) {
          socket.emit(event, ...args);
        }
        const after = await ack(socket, 'subscribe', { projectId: fz.ctx.projectId });
        if (!socket.connected || isInternal(after)) findings.add('socket.io /', who, 'after odd events', String(JSON.stringify(after)).slice(0, 120), 'unknown events, odd arguments, binary');
        socket.close();
      }
      // Forged sessions and an oversized message.
      for (const cookie of ['authjs.session-token=garbage', `authjs.session-token=${'a'.repeat(8000)}`, 'authjs.session-token=a.b.c.d.e']) {
        const { error } = await connect('', { cookie });
        if (!error) findings.add('socket.io /', 'forged session', 'handshake', 'accepted', describeValue(cookie));
        else if (/internal/.test(error.message)) findings.add('socket.io /', 'forged session', 'handshake', error.message, describeValue(cookie));
      }
      const { socket } = await connect('', { cookie: fz.clients.annotator.cookieHeader() });
      socket.emit('subscribe', { projectId: fz.ctx.projectId, pad: 'x'.repeat(4 * 2 ** 20) });
      await new Promise((r) => setTimeout(r, 500));
      socket.close();
    });
    report(findings);
  }, 120_000);
});

describe('socket.io on /worker (trainers)', () => {
  it('refuses hostile handshakes and progress payloads without an internal error, and stores nothing from them', async () => {
    await fz.refresh();
    const findings = new Findings();
    await batch('socket.io /worker', findings, async () => {
      for (const auth of [{ token: 'tdw_forged' }, { token: 42 }, { token: ['a'] }, { token: { $gt: '' } }, { token: '\uD800' }, { token: 'x'.repeat(100_000) }, { token: '' }, null]) {
        const { error } = await connect('/worker', { auth });
        if (!error) findings.add('socket.io /worker', 'forged worker token', 'handshake', 'accepted', describeValue(auth));
        else if (/internal/.test(error.message)) findings.add('socket.io /worker', 'forged worker token', 'handshake', error.message, describeValue(auth));
      }
      const { socket, error } = await connect('/worker', { auth: { token: fz.workerToken } });
      if (error) { findings.add('socket.io /worker', 'worker token', 'handshake', error.message, 'the real token'); return; }
      const template = { jobId: fz.ctx.jobId, phase: 'fuzz', done: 1, total: 2 };
      const payloads = [
        ...hostilePayloads(template, cases * 3, seed + 7),
        ...['\uD800', 'a\uDFFFb', '\u0000', 'x'.repeat(51), ''].map((phase) => ({ what: `phase = ${describeValue(phase)}`, payload: { ...template, phase } })),
        ...[1e308, -1, 1.5, 2 ** 53].map((done) => ({ what: `done = ${done}`, payload: { ...template, done } })),
      ];
      for (const { what, payload } of payloads) {
        const reply = await ack(socket, 'progress', payload);
        if (isInternal(reply) || reply === 'no ack') findings.add('socket.io progress', 'worker token', what.split(' ')[0], JSON.stringify(reply).slice(0, 120), what);
        else if (isOk(reply)) findings.add('socket.io progress', 'worker token', 'accepted', 'accepted', what);
        if (!socket.connected) { findings.add('socket.io progress', 'worker token', 'dropped', 'the connection was dropped', what); break; }
      }
      socket.close();
    });
    report(findings);
  }, 120_000);
});

describe('the Yjs endpoint', () => {
  /** The status of an upgrade to /yjs/<name>: 101, the refusal's status, or 0 with why. */
  const upgrade = (name: string, cookie: string) => new Promise<{ status: number; error?: string }>((resolve) => {
    const ws = new WebSocket(`${fz.server.url.replace('http', 'ws')}/yjs/${name}`, { headers: { cookie }, handshakeTimeout: 3000 });
    ws.on('open', () => { ws.close(); resolve({ status: 101 }); });
    ws.on('unexpected-response', (_req, res) => { resolve({ status: res.statusCode ?? 0 }); ws.terminate(); });
    ws.on('error', (e) => resolve({ status: 0, error: e.message }));
  });

  /** An open Yjs connection to a document as the annotator. */
  const open = (doc: string) => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`${fz.server.url.replace('http', 'ws')}/yjs/${doc}`, { headers: { cookie: fz.clients.annotator.cookieHeader() } });
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
    ws.on('unexpected-response', (_r, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });

  it('refuses bad document names with a 4xx, never hanging or failing', async () => {
    const findings = new Findings();
    await batch('/yjs upgrade', findings, async () => {
      for (const name of BAD_DOC_NAMES) {
        const a = await upgrade(name, fz.clients.annotator.cookieHeader());
        if (a.status === 101) findings.add('/yjs/<doc>', 'annotator', 'accepted', 'upgraded', `document ${describeValue(name)}`);
        else if (a.status === 0 || a.status >= 500) findings.add('/yjs/<doc>', 'annotator', 'bad name', a.status ? String(a.status) : a.error!, `document ${describeValue(name)}`);
      }
      for (const cookie of ['authjs.session-token=garbage', '']) {
        const a = await upgrade(`item-${fz.ctx.itemId}`, cookie);
        if (a.status === 101 || a.status === 0 || a.status >= 500) findings.add('/yjs/<doc>', 'forged session', 'handshake', a.status ? String(a.status) : a.error!, describeValue(cookie));
      }
    });
    report(findings);
  }, 60_000);

  it('survives malformed frames and an oversized update, and stores neither', async () => {
    const findings = new Findings();
    // Two items nobody edits: one takes malformed frames, one the oversized update.
    const [malformedDoc, oversizedDoc] = [`item-${fz.ctx.itemId}`, `item-${fz.ctx.itemId + 1}`];
    const frames = malformedFrames(cases * 4, seed + 11);
    await batch('/yjs frames', findings, async () => {
      let ws = await open(malformedDoc);
      for (const f of frames) {
        if (ws.readyState !== WebSocket.OPEN) ws = await open(malformedDoc);
        ws.send(f.data);
      }
      await new Promise((r) => setTimeout(r, 300));
      ws.close();
      const sick = await fz.healthy(1000);
      if (sick) findings.add('/yjs/<doc>', 'annotator', 'malformed frames', sick, 'after malformed frames');

      const big = await open(oversizedDoc);
      const closed = new Promise<number>((r) => big.on('close', (code) => r(code)));
      big.send(oversizedUpdateMessage(YJS_OVERSIZE_BYTES));
      const code = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 5000))]);
      if (code === -1) findings.add('/yjs/<doc>', 'annotator', 'oversized update', 'the connection stayed open (the update was taken)', `a ${YJS_OVERSIZE_BYTES >> 20} MiB update`);
      big.terminate();
    });
    // The stored log is checked once the server has stopped (the embedded database has one owner).
    stored.push({ doc: malformedDoc, what: 'malformed frames' }, { doc: oversizedDoc, what: `a ${YJS_OVERSIZE_BYTES >> 20} MiB update` });
    report(findings);
  }, 120_000);
});
const stored: { doc: string; what: string }[] = [];

describe('the CLI endpoint (/api/cli/v1)', () => {
  it('refuses bad tokens and hostile commands without a 5xx, and they change nothing', async () => {
    await fz.refresh({ job: false });
    const findings = new Findings();
    const lock = JSON.parse(fs.readFileSync(path.join(dataDir, 'server.json'), 'utf8')) as { token: string };
    const as = (token: string): Caller => ({ name: token === lock.token ? 'the CLI token' : 'a forged CLI token', headers: () => ({ authorization: `Bearer ${token}` }) });
    const cli = { method: 'POST', path: '/api/cli/v1', headers: { 'content-type': 'application/json' } };
    const argvs: string[][] = [
      ['\u0000'], ['\uD800'], ['x'.repeat(9000)], ['project', 'list', '--bogus'], ['member', 'set', '1.0', 'victim@fuzz.local', 'annotator'],
      ['queue', 'release', 'mnist-demo', '1.0'], ['queue', 'release', 'mnist-demo', '0x1'], ['queue', 'pin', 'mnist-demo', '0x10'], ['queue', 'pin', 'mnist-demo', '1e0'],
      ['user', 'role', '\u0000', 'admin'], ['user', 'role', 'victim@fuzz.local', 'root'], ['export', '%E0%A4%A'], ['queue', 'show', 'x'.repeat(5000)],
      ['worker', 'token', 'revoke', '1.0'], ['worker', 'token', 'revoke', '99999999999999999999'], ['start'], ['worker'], ['project', 'set', 'mnist-demo', '--retrain-every', '1e308'],
    ];
    await batch('/api/cli/v1', findings, async () => {
      // (Not the token with a trailing space: HTTP trims header values, so that is the token.)
      for (const token of ['', 'x', lock.token.slice(0, -1), `${lock.token}x`, '\u00ff'.repeat(100), 'x'.repeat(20_000)]) {
        const a = await send(fz.server.url, { ...cli, body: Buffer.from(jsonText({ argv: ['project', 'list'] })), what: 'a forged token', kind: 'token', expect: 'reject' }, as(token));
        const wrong = judge({ expect: 'reject', method: 'POST' }, a);
        if (wrong) findings.add('POST /api/cli/v1', 'a forged CLI token', 'token', wrong, describeValue(token));
      }
      const bodies: { what: string; body: string | Buffer }[] = [
        ...MALFORMED_BODIES.slice(0, 10).map((b) => ({ what: `body text ${describeValue(b)}`, body: b })),
        ...[{ argv: 'project' }, { argv: [1] }, { argv: Array(101).fill('x') }, { argv: ['x'.repeat(10_001)] }, { argv: [], cwd: 'relative' }, { argv: ['project', 'list'], extra: 1 }, { argv: ['project', 'list'], stdin: 'x'.repeat(10_001) }, null, []]
          .map((b) => ({ what: `body ${describeValue(b)}`, body: jsonText(b) })),
        ...argvs.map((argv) => ({ what: `argv ${describeValue(argv)}`, body: jsonText({ argv }) })),
      ];
      for (const { what, body } of bodies) {
        const a = await send(fz.server.url, { ...cli, body: Buffer.from(body), what, kind: 'body', expect: 'reject' }, as(lock.token));
        const exit = (() => { try { return (JSON.parse(a.text) as { exitCode?: number }).exitCode; } catch { return undefined; } })();
        if (a.status >= 500 || a.status === 0) findings.add('POST /api/cli/v1', 'the CLI token', what.split(' ')[0], judge({ expect: 'reject', method: 'POST' }, a)!, what);
        else if (a.status === 200 && exit === 0) findings.add('POST /api/cli/v1', 'the CLI token', 'accepted', 'ran and exited 0', what);
      }
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const a = await send(fz.server.url, { method, path: '/api/cli/v1', headers: {}, what: method, kind: 'method', expect: 'reject' }, as(lock.token));
        const wrong = judge({ expect: 'reject', method }, a);
        if (wrong) findings.add(`${method} /api/cli/v1`, 'the CLI token', 'method', wrong, method);
      }
    });
    report(findings);
  }, 120_000);
});

describe('Auth.js routes', () => {
  it('answer hostile sign-ins, forged cookies and odd paths without a 5xx (on an account of their own: logins are throttled)', async () => {
    const findings = new Findings();
    // Only this account takes wrong passwords: the others must still be able to log in after login throttling lands.
    const r = await fz.clients.admin.request('POST', '/api/users', { email: 'login-fuzz@fuzz.local', password: DEMO_PASSWORD });
    expect(r.status).toBe(200);
    const anonymous = new Client(fz.server.url);
    const csrf = (await anonymous.request('GET', '/api/auth/csrf')).json.csrfToken as string;
    const caller: Caller = { name: 'anonymous', headers: () => ({ cookie: anonymous.cookieHeader() }) };
    const form = (fields: Record<string, string>) => Buffer.from(new URLSearchParams(fields).toString());
    const post = (what: string, body: Buffer, contentType = 'application/x-www-form-urlencoded') =>
      ({ method: 'POST', path: '/api/auth/callback/credentials', headers: { 'content-type': contentType }, body, what, kind: what.split(' ')[0], expect: 'survive' as const });
    const requests = [
      post('no body', Buffer.alloc(0)),
      post('JSON instead of a form', Buffer.from(jsonText({ email: 'login-fuzz@fuzz.local', password: 'x', csrfToken: csrf })), 'application/json'),
      post('no csrf token', form({ email: 'login-fuzz@fuzz.local', password: 'wrong-password' })),
      post('a wrong csrf token', form({ email: 'login-fuzz@fuzz.local', password: 'wrong-password', csrfToken: 'x' })),
      post('email 100 KB', form({ email: 'x'.repeat(100_000), password: 'wrong-password', csrfToken: csrf })),
      post('email with a lone surrogate', form({ email: '\uD800@fuzz.local', password: 'wrong-password', csrfToken: csrf })),
      post('email with NUL', form({ email: 'login-fuzz\u0000@fuzz.local', password: 'wrong-password', csrfToken: csrf })),
      post('password 1 MB', form({ email: 'login-fuzz@fuzz.local', password: 'x'.repeat(1_000_000), csrfToken: csrf })),
      post('email twice', Buffer.from(`email=a&email=b&password=x&csrfToken=${csrf}`)),
      post('percent-encoding errors', Buffer.from(`email=%E0%A4%A&password=%&csrfToken=${csrf}`)),
      post('a wrong password', form({ email: 'login-fuzz@fuzz.local', password: 'wrong-password', csrfToken: csrf })),
      { method: 'POST', path: '/api/auth/signout', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form({}), what: 'sign-out without csrf', kind: 'signout', expect: 'survive' as const },
      ...['/api/auth/session', '/api/auth/providers', '/api/auth/signin?callbackUrl=javascript:alert(1)', `/api/auth/signin?callbackUrl=${'x'.repeat(8000)}`, '/api/auth/%E0%A4%A', '/api/auth/callback/credentials', '/api/auth/nope', '/api/auth/error?error=%00']
        .map((p) => ({ method: 'GET', path: p, headers: {}, what: `GET ${p.slice(0, 60)}`, kind: p.split('?')[0], expect: 'survive' as const })),
    ];
    const forged = ['garbage', 'a.b.c.d.e', `eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..${'A'.repeat(22)}.${'B'.repeat(200)}.${'C'.repeat(43)}`, 'x'.repeat(7000)];
    await batch('Auth.js', findings, async () => {
      for (const req of requests) {
        const a = await send(fz.server.url, req, caller);
        const wrong = judge(req, a);
        if (wrong) findings.add(`${req.method} ${req.path.split('?')[0].slice(0, 40)}`, 'anonymous', req.kind, wrong, req.what);
      }
      for (const value of forged) {
        for (const p of ['/api/auth/session', '/api/projects']) {
          const a = await send(fz.server.url, { method: 'GET', path: p, headers: { cookie: `authjs.session-token=${value}` }, what: 'forged', kind: 'forged', expect: 'survive' }, { name: 'forged', headers: () => ({}) });
          if (a.status >= 500 || a.status === 0) findings.add(`GET ${p}`, 'forged session', 'cookie', judge({ expect: 'survive', method: 'GET' }, a)!, `cookie ${describeValue(value)}`);
          if (p === '/api/projects' && a.status === 200) findings.add(`GET ${p}`, 'forged session', 'cookie', 'accepted', `cookie ${describeValue(value)}`);
        }
      }
    });
    // The team's own sessions are untouched.
    expect((await fz.clients.admin.request('GET', '/api/users')).status).toBe(200);
    report(findings);
  }, 120_000);
});

describe('at the end', () => {
  it('the server never exited, answers within a second, and stored nothing of the refused Yjs frames', async () => {
    expect(fz.server.exitCode()).toBeNull();
    expect(await fz.healthy(1000)).toBeNull();
    const findings = new Findings();
    const code = await fz.server.stop();
    if (code !== 0) findings.add('shutdown', 'SIGTERM', 'exit', `exited with ${code}, not 0`, 'a graceful stop after the fuzzing');
    const db = await openDatabase({ dataDir: path.join(dataDir, 'db') });
    try {
      for (const { doc, what } of stored) {
        const r = await db.db.execute(sql`select count(*)::int as n, coalesce(sum(octet_length("update")), 0)::bigint as bytes from yjs_updates where doc_name = ${doc}`);
        const [row] = ((r as { rows?: { n: number; bytes: number }[] }).rows ?? (r as unknown as { n: number; bytes: number }[]));
        if (Number(row.n) > 0) findings.add('/yjs/<doc>', 'annotator', what, `stored ${row.n} updates (${Math.round(Number(row.bytes) / 1024)} KiB)`, what);
      }
      report(findings);
    } finally {
      await db.close();
    }
  }, 60_000);
});
