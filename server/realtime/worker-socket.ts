import type { Server as SocketServer, Socket } from 'socket.io';
import { isTandemError, TandemError } from '../../lib/errors';
import { PROGRESS_EVENT, ProgressEvent, WORKER_NAMESPACE } from '../../lib/protocol/worker';
import type { Logger } from '../log';
import type { Services } from '../services';
import type { WorkerPrincipal } from '../services/training';
import { socketHandler } from './handlers';

/** Progress of one job closer together than this (same phase) is acknowledged but not relayed. */
export const PROGRESS_MIN_GAP_MS = 200;

/**
 * The worker protocol's socket.io namespace (WORKER_NAMESPACE): trainers say
 * their progress live here instead of only every heartbeat. The handshake
 * carries the worker token (`auth: { token }`), checked like the HTTP bearer
 * token (hashed, revocable, scoped to projects); every event is checked again,
 * so a token revoked meanwhile is refused at its next event and disconnected.
 *
 * `progress {jobId, phase, done, total}` is answered with `{ok: true, data:
 * {relayed}}` or the one error shape: a job this token does not hold, or a
 * malformed payload, is refused and nothing reaches the pages. A job's
 * progress in the same phase within PROGRESS_MIN_GAP_MS of the last one is
 * dropped (`relayed: false`): the pages need a few a second at most.
 */
export function setupWorkerSockets(io: SocketServer, deps: { services: Services; log: Logger; minGapMs?: number }) {
  const { training } = deps.services;
  const minGapMs = deps.minGapMs ?? PROGRESS_MIN_GAP_MS;
  const nsp = io.of(WORKER_NAMESPACE);

  nsp.use(async (socket, next) => {
    const token = tokenOf(socket);
    if (!token) return next(refusal(new TandemError('unauthenticated', `send the worker token in the handshake: io("<server>${WORKER_NAMESPACE}", { auth: { token } }) (tandem worker token create)`)));
    try {
      socket.data.worker = await training.authenticate(token);
      socket.data.token = token;
      next();
    } catch (e) {
      if (isTandemError(e)) return next(refusal(e));
      deps.log.error({ err: e }, 'worker socket handshake failed');
      next(new Error('internal: see the server log'));
    }
  });

  nsp.on('connection', (socket) => {
    const worker = socket.data.worker as WorkerPrincipal;
    const log = deps.log.child({ worker: worker.name, socket: socket.id });
    log.debug('worker socket connected');
    socket.on('disconnect', (reason) => log.debug({ reason }, 'worker socket disconnected'));
    // The last relayed progress of each job this socket reported on.
    const last = new Map<number, { at: number; phase: string }>();

    socket.on(PROGRESS_EVENT, socketHandler(ProgressEvent, log, async ({ jobId, ...progress }) => {
      const now = Date.now();
      const prev = last.get(jobId);
      if (prev && prev.phase === progress.phase && now - prev.at < minGapMs) return { relayed: false };
      let current: WorkerPrincipal;
      try {
        current = await training.authenticate(socket.data.token as string);
      } catch (e) {
        // Revoked since the handshake: answer, then hang up.
        setImmediate(() => socket.disconnect(true));
        throw e;
      }
      await training.reportProgress(current, jobId, progress);
      if (last.size > 100) last.clear();
      last.set(jobId, { at: now, phase: progress.phase });
      return { relayed: true };
    }));
  });
  return nsp;
}

function tokenOf(socket: Socket): string | null {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token) return auth.token;
  // Clients that cannot set `auth` may send the HTTP protocol's header instead.
  const header = socket.handshake.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() || null : null;
}

/** A refused handshake: the client's connect_error says `code: message`, with the one error shape in `data`. */
function refusal(e: TandemError): Error {
  return Object.assign(new Error(`${e.code}: ${e.message}`), { data: e.toBody().error });
}
