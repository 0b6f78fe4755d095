import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import * as Y from 'yjs';
import { setPersistence, setupWSConnection } from '@y/websocket-server/utils';
import { admitFrame, LIVE_DOC_KINDS, LIVE_DOC_MAX_PAYLOAD, parseLiveDocName, storedDocName, type LiveDocKind } from '../../lib/protocol/live-docs';
import type { Db } from '../../db/client';
import { appendDocUpdate, compactDoc, loadDocUpdates } from '../../db/queries/yjs';
import { isTandemError, statusOf, type ErrorCode } from '../../lib/errors';
import { principalFromRequest } from '../auth/principal';
import type { Logger } from '../log';
import type { Services } from '../services';
import type { AccessWatch } from './access-watch';


/**
 * The y-websocket endpoint (the real @y/websocket-server protocol). An upgrade
 * is authorised against the item's project before the socket is accepted, and
 * `/yjs/item-<id>` opens the signed-in user's own draft of the item (storedDocName);
 * every document update is appended to the database as it arrives, and the log
 * is compacted into one state when the last client leaves, so a restart loses
 * nothing.
 */
export function createYjsEndpoint(deps: { db: Db; services: Services; secret: string; log: Logger; access: AccessWatch }) {
  // ws refuses a larger frame itself (close 1009) before buffering it whole.
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIVE_DOC_MAX_PAYLOAD });
  /** Bytes of the updates each loaded document holds: what its cap is checked against. */
  const docBytes = new Map<string, number>();
  const writes = new Map<string, Promise<void>>();
  /** Set by flush: an upgrade that finishes its checks after it is refused, or its socket would outlive the shutdown. */
  let closing = false;
  const enqueue = (docName: string, job: () => Promise<void>) => {
    const next = (writes.get(docName) ?? Promise.resolve()).then(job).catch((err) => deps.log.error({ err, docName }, 'yjs persistence failed'));
    writes.set(docName, next);
    return next;
  };

  setPersistence({
    provider: null,
    bindState: async (docName: string, ydoc: Y.Doc) => {
      const rows = await loadDocUpdates(deps.db, docName);
      docBytes.set(docName, rows.reduce((n, r) => n + r.update.length, 0));
      Y.transact(ydoc, () => { for (const r of rows) Y.applyUpdate(ydoc, r.update); }, 'persistence');
      ydoc.on('destroy', () => docBytes.delete(docName));
      ydoc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === 'persistence') return;
        docBytes.set(docName, (docBytes.get(docName) ?? 0) + update.length);
        void enqueue(docName, () => appendDocUpdate(deps.db, docName, update));
      });
    },
    writeState: async (docName: string) => {
      await enqueue(docName, async () => {
        const rows = await loadDocUpdates(deps.db, docName);
        if (rows.length < 2) return;
        const merged = Y.mergeUpdates(rows.map((r) => r.update));
        await compactDoc(deps.db, docName, rows.map((r) => r.id), merged);
      });
    },
  });

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      const doc = parseLiveDocName((req.url ?? '').split('?')[0].replace(/^\/yjs\//, ''));
      if (!doc) return refuse(socket, 'bad_request', 'a document name is item-<item id>');
      const principal = await principalFromRequest(req, deps.secret, deps.services.users);
      if (!principal) return refuse(socket, 'unauthenticated', 'log in first');
      const { projectId } = await deps.services.media.authorizeItem(principal, doc.id);
      // The user's own draft of the item (storedDocName): its cap counts that document's bytes.
      const stored = storedDocName(doc, principal.userId);
      if (closing) return refuse(socket, 'unavailable', 'the server is shutting down; try again in a moment');
      wss.handleUpgrade(req, socket, head, (ws) => {
        stopReadingPastOversizedFrame(ws, socket);
        guardFrames(ws, LIVE_DOC_KINDS[doc.kind], () => docBytes.get(stored) ?? 0, deps.log);
        setupWSConnection(ws, req, { docName: stored });
        deps.access.watchYjs(ws, principal.session, projectId); // closed when the user loses the project or the session
      });
    } catch (e) {
      if (isTandemError(e)) return refuse(socket, e.code, e.message);
      deps.log.error({ err: e }, 'yjs upgrade failed');
      refuse(socket, 'internal', 'internal error');
    }
  }

  /** Waits for every queued document write (graceful shutdown). */
  async function flush(): Promise<void> {
    closing = true;
    for (const ws of wss.clients) ws.close(1001, 'server shutting down');
    await Promise.all([...writes.values()]);
  }

  return { handleUpgrade, flush };
}

/**
 * Checks every frame before the y-websocket handler sees it (the library has
 * no hook for it): a frame past its kind's size, or an update that would grow
 * the document past its cap, is dropped and the connection closed with the reason.
 */
function guardFrames(ws: WebSocket, kind: LiveDocKind, bytesOf: () => number, log: Logger): void {
  const emit = ws.emit.bind(ws);
  ws.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === 'message') {
      const data = args[0];
      const frame = data instanceof ArrayBuffer ? new Uint8Array(data) : Buffer.isBuffer(data) ? data : new Uint8Array(0);
      const verdict = admitFrame(kind, frame, bytesOf());
      switch (verdict.kind) {
        case 'accept': break;
        case 'refuse':
          log.warn({ bytes: frame.length, reason: verdict.reason }, 'yjs frame refused');
          ws.close(verdict.closeCode, verdict.reason);
          return false;
      }
    }
    return emit(event, ...args);
  }) as typeof ws.emit;
}

/** How long the close frame of a refused oversized frame has to reach the client before the connection is cut. */
const OVERSIZED_CLOSE_GRACE_MS = 200;

/**
 * ws answers a frame past maxPayload with close 1009 at its header, then reads and drops the rest
 * while it waits for the client's close: 90 MiB of an attacker's frame, read on the server's one
 * thread, to be thrown away. Here the reading stops at once, and the connection is cut once the
 * close frame has had time to arrive.
 */
function stopReadingPastOversizedFrame(ws: WebSocket, socket: Duplex): void {
  ws.on('error', (err: Error & { code?: string }) => {
    if (err.code !== 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return;
    process.nextTick(() => socket.pause()); // after ws's own resume, scheduled the same way
    setTimeout(() => ws.terminate(), OVERSIZED_CLOSE_GRACE_MS).unref();
  });
}

/** Answers a refused upgrade in the one error shape, its status the code's (lib/errors), and ends the socket. */
function refuse(socket: Duplex, code: ErrorCode, message: string): void {
  const status = statusOf(code);
  const body = JSON.stringify({ error: { code, message } });
  socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n`
    + `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  socket.destroy();
}
