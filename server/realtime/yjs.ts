import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { setPersistence, setupWSConnection } from '@y/websocket-server/utils';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { appendDocUpdate, compactDoc, loadDocUpdates } from '../../db/queries/yjs';
import { isTandemError } from '../../lib/errors';
import { principalFromRequest } from '../auth/principal';
import type { Logger } from '../log';
import type { Services } from '../services';
import type { AccessWatch } from './access-watch';

/** Live annotation documents are named after the item they edit: `/yjs/item-<id>`. */
const DocName = z.string().regex(/^item-[1-9][0-9]{0,15}$/, 'a document name is item-<item id>');

/**
 * The y-websocket endpoint (the real @y/websocket-server protocol). An upgrade
 * is authorised against the item's project before the socket is accepted;
 * every document update is appended to the database as it arrives, and the log
 * is compacted into one state when the last client leaves, so a restart loses
 * nothing.
 */
export function createYjsEndpoint(deps: { db: Db; services: Services; secret: string; log: Logger; access: AccessWatch }) {
  const wss = new WebSocketServer({ noServer: true });
  const writes = new Map<string, Promise<void>>();
  const enqueue = (docName: string, job: () => Promise<void>) => {
    const next = (writes.get(docName) ?? Promise.resolve()).then(job).catch((err) => deps.log.error({ err, docName }, 'yjs persistence failed'));
    writes.set(docName, next);
    return next;
  };

  setPersistence({
    provider: null,
    bindState: async (docName: string, ydoc: Y.Doc) => {
      const rows = await loadDocUpdates(deps.db, docName);
      Y.transact(ydoc, () => { for (const r of rows) Y.applyUpdate(ydoc, r.update); }, 'persistence');
      ydoc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === 'persistence') return;
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
    const docName = decodeURIComponent((req.url ?? '').split('?')[0].replace(/^\/yjs\//, ''));
    try {
      const parsed = DocName.safeParse(docName);
      if (!parsed.success) return refuse(socket, 400, parsed.error.issues[0].message);
      const principal = await principalFromRequest(req, deps.secret, deps.services.users);
      if (!principal) return refuse(socket, 401, 'log in first');
      const { projectId } = await deps.services.media.authorizeItem(principal, Number(docName.slice('item-'.length)));
      wss.handleUpgrade(req, socket, head, (ws) => {
        setupWSConnection(ws, req, { docName });
        deps.access.watchYjs(ws, principal.session, projectId); // closed when the user loses the project or the session
      });
    } catch (e) {
      if (isTandemError(e)) return refuse(socket, e.status, e.message);
      deps.log.error({ err: e }, 'yjs upgrade failed');
      refuse(socket, 500, 'internal error');
    }
  }

  /** Waits for every queued document write (graceful shutdown). */
  async function flush(): Promise<void> {
    for (const ws of wss.clients) ws.close(1001, 'server shutting down');
    await Promise.all([...writes.values()]);
  }

  return { handleUpgrade, flush };
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: { code: status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : status === 404 ? 'not_found' : 'bad_request', message } });
  socket.write(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Bad Request'}\r\n`
    + `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  socket.destroy();
}
