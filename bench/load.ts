/**
 * Simulated annotators for the queue bench and the crash drill: each one logs
 * in over Auth.js's real flow, keeps a socket.io connection subscribed to the
 * project's room (as the labeling page does), and loops claim → label every
 * held item → claim over real HTTP, optionally with a pause per label (think time).
 * Every label the server acknowledged
 * (HTTP 200 with committed: true) is recorded with its client key, so a drill
 * can compare acknowledged against stored.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { io as ioClient, type Socket } from 'socket.io-client';
import { Client } from '../tests/fixtures/http-client';
import { BENCH_CLASSES } from './seed-pool';

export interface Ack { email: string; clientKey: string; itemId: number; leaseId: number }

/** Every request's span when BENCH_TRACE=1, across annotators: a slow claim is read against what else was in flight. */
export interface Span { kind: 'claim' | 'label'; start: number; end: number; phases: Record<string, number> }
export const spans: Span[] = [];
const TRACE = process.env.BENCH_TRACE === '1';

export interface AnnotatorStats {
  claimMs: number[];
  /** The server's own account of each sampled claim (Server-Timing: auth, app and the claim's phases), ms by name. */
  claimPhases: Record<string, number>[];
  labelMs: number[];
  claims: number;
  emptyClaims: number;
  labels: number;
  /** Error answers by kind: `http <status> <code>` or `network <code>` (ECONNRESET, ECONNREFUSED, …). */
  errors: Map<string, number>;
  socketEvents: number;
  /** Requests sent again after the server closed their idle kept-alive socket under them (see postJson): not errors, but counted. */
  resent: number;
  queueStates: Map<string, number>;
  acks: Ack[];
  /** Every claim's latency, sampled or not, with when it was answered: the seconds of a pool view's build are read from these. */
  claimLog: { at: number; ms: number; beforeView: boolean; phases: Record<string, number> }[];
}

export interface Annotator {
  email: string;
  client: Client;
  socket: Socket;
  stats: AnnotatorStats;
  /** Sample latencies only while true (warm-up and a drill's downtime are left out). */
  sampling: boolean;
}

export function newStats(): AnnotatorStats {
  return { claimMs: [], claimPhases: [], labelMs: [], claims: 0, emptyClaims: 0, labels: 0, errors: new Map(), socketEvents: 0, resent: 0, queueStates: new Map(), acks: [], claimLog: [] };
}

/** `name;dur=ms` entries of a Server-Timing header. */
export function serverTiming(h: Headers): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of (h.get('server-timing') ?? '').matchAll(/([\w-]+);dur=([\d.]+)/g)) out[m[1]] = Number(m[2]);
  return out;
}

/**
 * How the annotators send their claims and labels. `http` (the default): node:http over kept-alive
 * sockets. `fetch`: Node's fetch (undici), as before 2026-12-03. The load generator shares the
 * server's two cores, and fetch's streams cost it several times the CPU per request that
 * node:http does, time the server's own requests then wait behind; a browser's fetch is native and
 * costs the server's machine nothing. `BENCH_CLIENT=fetch` measures the old way, to compare.
 */
export const CLIENT = process.env.BENCH_CLIENT === 'fetch' ? 'fetch' : 'http';
/** Idle sockets are dropped after 4 s, before the server's 5 s keep-alive timeout closes them under a request. */
const agent = new http.Agent({ keepAlive: true, timeout: 4000 });
/** A resend goes on a new connection: another idle socket of the pool may be closing too. */
const fresh = new http.Agent({ keepAlive: false });

/**
 * A request on a kept-alive socket can meet the server closing that socket for idleness (its
 * keep-alive timeout) before a byte of the answer came back: nothing was processed, and browsers
 * send such a request again on a new connection. So does this client, once, as Node's http docs
 * advise (`request.reusedSocket`); any other failure is the bench's to count.
 */
async function postJson(base: string, path: string, cookie: string, body: unknown, stats?: AnnotatorStats): Promise<{ status: number; json: any; headers: Headers }> {
  try {
    return await postJsonOnce(base, path, cookie, body);
  } catch (e) {
    if (!((e as { reusedSocket?: boolean }).reusedSocket && (e as NodeJS.ErrnoException).code === 'ECONNRESET')) throw e;
    if (stats) stats.resent++;
    return postJsonOnce(base, path, cookie, body, fresh);
  }
}

function postJsonOnce(base: string, path: string, cookie: string, body: unknown, via: http.Agent = agent): Promise<{ status: number; json: any; headers: Headers }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, {
      method: 'POST', agent: via,
      headers: { cookie, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = null;
        try { json = JSON.parse(text); } catch { json = text; }
        const headers = new Headers();
        const timing = res.headers['server-timing'];
        if (typeof timing === 'string') headers.set('server-timing', timing);
        resolve({ status: res.statusCode ?? 0, json, headers });
      });
    });
    req.on('error', (e) => reject(Object.assign(e, { reusedSocket: req.reusedSocket })));
    req.end(payload);
  });
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function connectAnnotator(base: string, email: string, password: string, projectId: number): Promise<Annotator> {
  const client = await new Client(base).login(email, password);
  const stats = newStats();
  const socket = ioClient(base, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: client.cookieHeader() }, reconnectionDelay: 100, reconnectionDelayMax: 500 });
  socket.onAny(() => { stats.socketEvents++; });
  // (Re)join the room on every connect: a restarted server has forgotten the rooms.
  socket.on('connect', () => socket.emit('subscribe', { projectId }, () => {}));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`socket of ${email} did not connect`)), 15_000);
    socket.once('connect', () => { clearTimeout(t); resolve(); });
  });
  return { email, client, socket, stats, sampling: true };
}

/**
 * One annotator's loop until `stop()` says so. A label whose answer was lost
 * (the server died mid-request) is retried with the same client key once the
 * server answers again, as the page's outbox does; only a 200 counts as acknowledged.
 */
export async function runAnnotator(a: Annotator, projectId: number, opts: { hold: number; stop: () => boolean; rng?: () => number; thinkMs?: number }): Promise<void> {
  const rng = opts.rng ?? Math.random;
  const s = a.stats;
  const post = async (path: string, body: unknown) => {
    const t = performance.now();
    try {
      const r = CLIENT === 'http' ? await postJson(a.client.base, path, a.client.cookieHeader(), body, s) : await a.client.request('POST', path, body);
      const end = performance.now();
      if (TRACE && a.sampling) spans.push({ kind: path.endsWith('/leases') ? 'claim' : 'label', start: t, end, phases: serverTiming(r.headers) });
      return { ...r, ms: end - t };
    } catch (e) {
      return { status: 0, json: null, headers: new Headers(), ms: performance.now() - t, cause: (e as NodeJS.ErrnoException).code ?? (e as Error).name };
    }
  };
  const fail = (r: { status: number; json: any; cause?: string }) => bump(s.errors, r.status === 0 ? `network ${r.cause ?? ''}`.trim() : `http ${r.status} ${r.json?.error?.code ?? ''}`.trim());

  while (!opts.stop()) {
    const c = await post(`/api/projects/${projectId}/leases`, { hold: opts.hold });
    if (c.status !== 200) { fail(c); await sleep(c.status === 0 ? 50 : 200); continue; }
    s.claims++;
    const phases = serverTiming(c.headers);
    // Dealt by the bridge, or from a view read from disk: the pool view is still building.
    s.claimLog.push({ at: Date.now(), ms: c.ms, beforeView: 'bridge' in phases || 'snapshot' in phases, phases });
    if (a.sampling) {
      s.claimMs.push(c.ms);
      s.claimPhases.push(phases);
    }
    const leases: { leaseId: number; itemId: number }[] = c.json.leases ?? [];
    const state: string = c.json.queue?.state ?? 'open';
    bump(s.queueStates, state);
    if (leases.length === 0) { s.emptyClaims++; await sleep(200); continue; }
    for (const l of leases) {
      // A person looks at the item before labeling it (0: saturation, labels back to back).
      if (opts.thinkMs) await sleep(opts.thinkMs * (0.5 + rng()));
      const body = { leaseId: l.leaseId, itemId: l.itemId, label: BENCH_CLASSES[Math.floor(rng() * BENCH_CLASSES.length)], clientKey: crypto.randomUUID() };
      for (let attempt = 0; ; attempt++) {
        const r = await post(`/api/projects/${projectId}/labels`, body);
        if (r.status === 200 && r.json?.committed === true) {
          s.labels++;
          if (a.sampling) s.labelMs.push(r.ms);
          s.acks.push({ email: a.email, clientKey: body.clientKey, itemId: l.itemId, leaseId: l.leaseId });
          break;
        }
        fail(r);
        // Unknown outcome (no answer): retry the same key while the server comes back; a 4xx is final.
        if (r.status !== 0 && r.status < 500) break;
        if (attempt > 600) break;
        await sleep(50);
      }
    }
  }
}

export async function closeAnnotator(a: Annotator): Promise<void> {
  a.socket.close();
}

/** The server process's pid, found through the socket listening on `port` (Linux /proc). */
export function pidOfPort(port: number): number | null {
  const inodes = new Set<string>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try { text = fs.readFileSync(f, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue;
      if (parseInt(cols[1].split(':')[1], 16) === port) inodes.add(cols[9]);
    }
  }
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let fds: string[] = [];
    try { fds = fs.readdirSync(`/proc/${pid}/fd`); } catch { continue; }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return Number(pid);
      } catch { /* gone meanwhile */ }
    }
  }
  return null;
}

/** Resident memory of a process in MiB (VmRSS), or NaN when it is gone. */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
