/**
 * drill:abuse's HTTP attackers, on a thread of their own (as the Yjs one is,
 * drill-abuse-yjs.ts): the fuzzed requests, CONCURRENCY at a time, and the
 * oversized bodies, one after another. Sending thousands of requests and
 * streaming hundreds of MiB kept the drill's main thread busy, and the
 * annotators' labels, timed on that thread, took its delay for the server's.
 * An attacker is another machine.
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { judge, streamBody, type Answer, type FuzzRequest } from '../tests/fixtures/fuzz/harness';

export interface FuzzAttack {
  url: string;
  concurrency: number;
  /** The fuzzed requests, the caller's credentials already in their headers. */
  requests: { route: string; req: FuzzRequest }[];
  oversized: { route: string; method: string; path: string; headers: Record<string, string>; mib: number; chunked: boolean }[];
}

export type FuzzOutcome =
  | { kind: 'answers'; answers: { route: string; status: number; ms: number; wrong: string | null; what: string }[] }
  | { kind: 'oversized'; route: string; mib: number; framing: string; status: number; sentMiB: number; ms: number; error?: string };

const post = (m: FuzzOutcome) => parentPort!.postMessage(m);

/** Kept-alive connections, one per request in flight, as a browser or a script would hold them. */
const agent = new http.Agent({ keepAlive: true });

/**
 * One fuzzed request with node:http rather than fetch (the fuzz suite's `send`): it costs the
 * attacker's thread a fraction of fetch's CPU, which on a shared machine is the server's.
 */
function sendHttp(base: string, r: FuzzRequest, timeoutMs: number): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...r.headers };
    if (r.body) headers['content-length'] = r.body.length;
    let req: http.ClientRequest;
    try {
      req = http.request(base + r.path, { method: r.method, headers, agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => resolve({ status: 0, ms: performance.now() - t0, text: '', error: e.message }));
      });
    } catch (e) {
      // A header no HTTP client would send (fetch refuses it the same way): nothing left this machine.
      return resolve({ status: 0, ms: 0, text: '', error: `not sent: ${(e as Error).message}` });
    }
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ status: 0, ms: performance.now() - t0, text: '', error: `${e.code ?? e.name}: ${e.message}` }));
    req.end(r.body ? Buffer.from(r.body) : undefined);
  });
}

async function fuzz({ url, concurrency, requests }: FuzzAttack): Promise<void> {
  let next = 0;
  let batch: Extract<FuzzOutcome, { kind: 'answers' }>['answers'] = [];
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < requests.length) {
      const { route, req } = requests[next++];
      const a = await sendHttp(url, req, 30_000);
      batch.push({ route, status: a.status, ms: a.ms, wrong: judge(req, a), what: req.kind });
      if (batch.length >= 100) {
        post({ kind: 'answers', answers: batch });
        batch = [];
      }
    }
  }));
  if (batch.length) post({ kind: 'answers', answers: batch });
}

async function oversize({ url, oversized }: FuzzAttack): Promise<void> {
  for (const o of oversized) {
    const r = await streamBody(url, {
      method: o.method, path: o.path, headers: o.headers,
      totalBytes: o.mib * 2 ** 20, contentLength: o.chunked ? null : 2 ** 31, timeoutMs: 180_000, afterSendMs: 10_000,
    });
    post({ kind: 'oversized', route: o.route, mib: o.mib, framing: o.chunked ? 'chunked' : 'Content-Length 2 GiB', status: r.status, sentMiB: Math.round(r.sentBytes / 2 ** 20), ms: Math.round(r.ms), error: r.error });
  }
}

const attack = workerData as FuzzAttack;
// Ready once loaded; the drill says when to begin (after its baseline).
parentPort!.postMessage('ready');
new Promise((r) => parentPort!.once('message', r)).then(() => Promise.all([fuzz(attack), oversize(attack)])).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
