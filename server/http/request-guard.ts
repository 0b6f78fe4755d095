import type { IncomingMessage, ServerResponse } from 'node:http';
import { TandemError, type ErrorBody } from '../../lib/errors';
import { UPLOAD_LIMITS } from '../../lib/import/upload';

/**
 * What every request passes before any route reads it: a body no larger than
 * its path allows (declared lengths refused before a byte is read), and, for
 * requests that change something, an origin that is this server's own. The
 * routes then enforce the same limit on the bytes they actually read
 * (readBodyText), so a chunked body without a length cannot slip past.
 */

const MiB = 1024 * 1024;

/** TANDEM_MAX_BODY_BYTES unless set: a label or a claim is a few hundred bytes, a queue change a few kilobytes. */
export const DEFAULT_MAX_BODY_BYTES = MiB;

/** An upload request past its limit: what the page's limits are, for whoever sends by hand. */
export const UPLOAD_TOO_LARGE = `an upload request may carry at most ${UPLOAD_LIMITS.requestBytes >> 20} MiB, and one image at most ${UPLOAD_LIMITS.fileBytes >> 20} MiB; `
  + 'the upload area on the project page sends files in batches of a few MiB';

/** Paths whose bodies are larger by nature; every other path gets the configured default. */
const LARGER: { path: RegExp; bytes: number; message?: string }[] = [
  // One request of a browser upload: a batch of images (the page packs 4 MiB), or one image of up to 32 MiB alone.
  { path: /^\/api\/projects\/[^/]+\/uploads\/?$/, bytes: UPLOAD_LIMITS.requestBytes, message: UPLOAD_TOO_LARGE },
  // A chunk of up to 2,000,000 floats as JSON numbers, with room to spare.
  { path: /^\/api\/worker\/v1\/projects\/[^/]+\/embeddings\/?$/, bytes: 48 * MiB },
  // A trainer's ranking of a 1M-item pool arrives in chunks; each chunk is far below this.
  { path: /^\/api\/worker\/v1\/jobs\/[^/]+\/ranking\/?$/, bytes: 16 * MiB },
];

export const UPLOAD_MAX_BODY_BYTES = UPLOAD_LIMITS.requestBytes;

export const EMBEDDINGS_MAX_BODY_BYTES = 48 * MiB;
export const RANKING_MAX_BODY_BYTES = 16 * MiB;

/** The body limit of a path (no query string). */
export function bodyLimitFor(path: string, defaultBytes: number): number {
  for (const l of LARGER) if (l.path.test(path)) return l.bytes;
  return defaultBytes;
}

function tooLargeFor(path: string, limit: number): TandemError {
  const own = LARGER.find((l) => l.path.test(path))?.message;
  return own ? new TandemError('too_large', own) : tooLarge(limit);
}

export function describeBytes(n: number): string {
  return n >= MiB ? `${+(n / MiB).toFixed(1)} MiB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

export function tooLarge(limit: number): TandemError {
  return new TandemError('too_large', `the request body is larger than this route accepts (${describeBytes(limit)})`);
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Paths the custom server reads itself, counting the bytes (the hot routes, the CLI endpoint):
 * only they take a body of unknown length. Next.js keeps a replayable copy of a request body
 * whatever the route reads of it, so a chunked body there is refused before Next sees it, and
 * every other body has a declared length checked above.
 */
const READS_CHUNKED = /^\/api\/(?:projects\/[^/]+\/(?:leases|labels)\/?|cli\/v1\/?)$/;

export interface GuardVerdict {
  status: number;
  body: ErrorBody;
  /** Headers the answer carries besides its type and length (a 429's Retry-After). */
  headers?: Record<string, string>;
}

/**
 * The checks that need nothing but the request line and headers. Null: go on.
 * `Origin` is compared with the `Host` the request was sent to: a page on
 * another site, or on another port of this one, cannot make a logged-in
 * browser change anything here (a form or a text/plain fetch needs no preflight).
 */
export function screenRequest(req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>, defaultBodyBytes: number): GuardVerdict | null {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (!decodes(path)) {
    // Next.js decodes path segments into route params and fails with a 500 on bad percent-encoding.
    return verdict(new TandemError('bad_request', 'the address has a broken %-escape; check the link'));
  }
  const limit = bodyLimitFor(path, defaultBodyBytes);
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    const n = Number(declared);
    if (!/^\d{1,16}$/.test(declared)) return verdict(new TandemError('bad_request', 'the Content-Length header is not a number'));
    if (n > limit) return verdict(tooLargeFor(path, limit));
  } else if (req.headers['transfer-encoding'] !== undefined && !READS_CHUNKED.test(path)) {
    return { status: 411, body: { error: { code: 'bad_request', message: 'send a Content-Length with the body (a body of unknown length is refused here)' } } };
  }
  if (MUTATING.has(req.method ?? '') && !sameOrigin(req.headers)) {
    return verdict(new TandemError('forbidden', 'a request from another site (or another port) may not change anything here; use Tandem\'s own pages'));
  }
  return null;
}

function decodes(path: string): boolean {
  if (!path.includes('%')) return true;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

function sameOrigin(headers: IncomingMessage['headers']): boolean {
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return false;
  const origin = headers.origin;
  // No Origin: not a browser's cross-origin request (CLI, trainer, curl). "null": a sandboxed or file page.
  if (origin === undefined) return true;
  const host = headers.host;
  if (!host || origin === 'null') return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

function verdict(e: TandemError): GuardVerdict {
  return { status: e.status, body: e.toBody() };
}

/**
 * Answers a refused request at once, before a byte of its body is read; what the client goes on
 * sending is read and dropped (dropRestOfBody), so its answer is not lost to a reset.
 */
export function refuseRequest(req: IncomingMessage, res: ServerResponse, v: GuardVerdict): void {
  const text = JSON.stringify(v.body);
  answerBeforeBody(req, res);
  res.writeHead(v.status, { ...v.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
  dropRestOfBody(req);
}

/**
 * A web request's body as text, reading no more than `limit` bytes: past it
 * the stream is cancelled and the caller gets a 413, whatever the headers said.
 */
export async function readBodyText(body: ReadableStream<Uint8Array> | null, limit: number): Promise<string> {
  return (await readBodyBytes(body, limit)).toString('utf8');
}

/** The same as bytes (an upload's multipart body). */
export async function readBodyBytes(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Past a refusal the rest of a body is read and dropped, up to this much, before the connection
 * is cut: closing a socket with unread bytes makes TCP reset it, and the client loses the answer
 * it was about to read. Past this much the sender is not listening and is cut off.
 */
const LINGER_BYTES = 64 * 1024 * 1024;

/**
 * Node closes a connection whose request body is still arriving as soon as the answer is written;
 * the bytes in flight then reset it, often before the client has read the answer. Keeping it open
 * while the rest is dropped (dropRestOfBody) lets the answer arrive.
 */
export function answerBeforeBody(req: IncomingMessage, res: ServerResponse): void {
  if (req.readableEnded || req.httpVersion !== '1.1' || /\bclose\b/i.test(req.headers.connection ?? '')) return;
  res.shouldKeepAlive = true;
}

/** Reads and drops what is left of a body the route did not want, cutting the sender off past LINGER_BYTES. */
export function dropRestOfBody(req: IncomingMessage): void {
  if (req.readableEnded || req.listenerCount('data') > 0) return;
  let dropped = 0;
  req.on('data', (c: Buffer) => {
    dropped += c.length;
    if (dropped > LINGER_BYTES) req.destroy();
  });
}

/** The same for a raw Node request (the custom server's hot routes). */
export async function readNodeBodyText(req: IncomingMessage, limit: number): Promise<string> {
  return (await readNodeBodyBytes(req, limit)).toString('utf8');
}

export function readNodeBodyBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else if (size - c.length <= limit) {
        chunks.length = 0;
        reject(tooLarge(limit));
      } else if (size > limit + LINGER_BYTES) req.destroy();
    });
    req.on('end', () => { if (size <= limit) resolve(Buffer.concat(chunks)); });
    req.on('error', reject);
  });
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * A body that is not declared JSON is refused: a browser sends text/plain,
 * form and multipart bodies across sites without asking first. `acceptText`
 * is for the one route a closing tab reaches by beacon, which Chromium sends
 * as text/plain only.
 */
export function requireJsonBody(contentType: string | null | undefined, hasBody: boolean, acceptText = false): void {
  if (!contentType) {
    if (hasBody) throw new TandemError('unsupported_media_type', 'send the body as JSON with Content-Type: application/json');
    return;
  }
  if (JSON_TYPE.test(contentType)) return;
  if (acceptText && /^text\/plain\s*(?:;|$)/i.test(contentType)) return;
  throw new TandemError('unsupported_media_type', `the body must be JSON (Content-Type: application/json), not ${contentType.split(';')[0].slice(0, 100)}`);
}
