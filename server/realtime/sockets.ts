import type { Server as SocketServer } from 'socket.io';
import { SubscribeEvent } from '../../lib/protocol/labeling';
import { principalFromRequest } from '../auth/principal';
import type { Logger } from '../log';
import type { Services } from '../services';
import { TandemError } from '../../lib/errors';
import type { Session } from '../auth/session-cache';
import { socketHandler } from './handlers';
import { spacedPerProject } from '../spaced';
import type { AccessWatch } from './access-watch';

export const projectRoom = (projectId: number) => `project:${projectId}`;
const projectOfRoom = (room: string): number | null => (/^project:(\d+)$/.exec(room) ? Number(room.slice('project:'.length)) : null);

/**
 * socket.io carries live queue and progress events. Every connection proves
 * its session in the handshake; joining a project's room needs view rights
 * there, as the user is at the time of joining. The access watch takes the
 * socket out of a room its user may no longer see (event `revoked` with the
 * project id), and disconnects it when the session ends (`revoked` first).
 */
export function setupSockets(io: SocketServer, deps: { services: Services; secret: string; log: Logger; access: AccessWatch }) {
  io.use(async (socket, next) => {
    try {
      const principal = await principalFromRequest(socket.request, deps.secret, deps.services.users);
      if (!principal) return next(Object.assign(new Error('unauthenticated: log in first'), { data: { code: 'unauthenticated' } }));
      socket.data.principal = principal;
      next();
    } catch (e) {
      deps.log.error({ err: e }, 'socket handshake failed');
      next(new Error('internal error'));
    }
  });

  io.on('connection', (socket) => {
    const session = (socket.data.principal as { session: Session }).session;
    const unwatch = deps.access.watch({
      session,
      projects: () => [...socket.rooms].map(projectOfRoom).filter((id): id is number => id !== null),
      revoke: (r) => {
        if (r.kind === 'session-ended') {
          socket.emit('revoked', { reason: 'session-ended' });
          socket.disconnect(true);
        } else {
          void socket.leave(projectRoom(r.projectId));
          socket.emit('revoked', { reason: 'project-lost', projectId: r.projectId });
        }
      },
    });
    socket.once('disconnect', unwatch);
    socket.on('subscribe', socketHandler(SubscribeEvent, deps.log, async ({ projectId }) => {
      // The user as they are now, not as at the handshake: a demoted admin joins only their own projects.
      const principal = await deps.access.principalOf(session);
      if (!principal) throw new TandemError('unauthenticated', 'your session has ended: log in again');
      const progress = await deps.services.labels.progress(principal, projectId);
      await socket.join(projectRoom(projectId));
      return progress;
    }));
    socket.on('unsubscribe', socketHandler(SubscribeEvent, deps.log, async ({ projectId }) => {
      await socket.leave(projectRoom(projectId));
      return null;
    }));
  });
}

/**
 * Tells a project's room that its counts changed, at most every `everyMs`:
 * a burst of labels costs one count query, not one per label. On a large pool
 * the count itself is a scan, so the gap also grows to `costShare`⁻¹ × its
 * last duration: counting never takes more than that share of the time.
 * Once a second and 2%: a progress bar needs no more, and on PGlite every count
 * runs on the thread that answers claims, so a claim that comes meanwhile waits.
 */
export function createProgressBroadcaster(io: () => SocketServer | undefined, count: (projectId: number) => Promise<unknown>, log: Logger, everyMs = 1000, costShare = 0.02) {
  return spacedPerProject(async (projectId) => {
    const server = io();
    if (server) server.to(projectRoom(projectId)).emit('progress', { projectId, ...(await count(projectId) as object) });
  }, { log, what: 'progress broadcast', everyMs, costShare });
}
