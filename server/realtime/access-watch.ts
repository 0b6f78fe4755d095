import type { WebSocket } from 'ws';
import { isTandemError } from '../../lib/errors';
import { sessionCacheFor, type Session } from '../auth/session-cache';
import type { Logger } from '../log';
import type { Services } from '../services';
import type { Principal } from '../services/access';

/** Why an open connection lost what it had. */
export type Revocation =
  /** Logout, a new password, a deleted user, an expired token: the connection must end. */
  | { kind: 'session-ended' }
  /** Removed from the project, or no longer an admin who sees every project: stop receiving and editing it. */
  | { kind: 'project-lost'; projectId: number };

/** One open socket.io or Yjs connection, as the watch needs it: a few numbers and two callbacks. */
export interface WatchedConnection {
  session: Session;
  /** The projects the connection receives or edits now. */
  projects(): Iterable<number>;
  revoke(r: Revocation): void;
}

/** How often every open connection is checked again, for changes made by another process (the CLI, SQL). */
export const RECHECK_EVERY_MS = 3_000;

/**
 * Keeps open connections within what their user may still see. Access is
 * checked once at the handshake; afterwards a connection is checked again at
 * once when the user or project service of this process changes that user
 * (logout, password, role, membership), and every RECHECK_EVERY_MS for
 * changes made elsewhere, which reach this process through the database (the
 * session cache's user row is at most USER_TTL_MS old). One pass reads each
 * user row and each (user, project) access once, however many connections
 * share them.
 */
export function createAccessWatch(deps: { services: Services; secret: string; log: Logger; everyMs?: number }) {
  const open = new Set<WatchedConnection>();
  const sessions = () => sessionCacheFor(deps.services.users, deps.secret);

  /** The session's user as they are now (role included), or null when the session no longer holds. */
  async function principalOf(session: Session): Promise<Principal | null> {
    const user = await sessions().userOfSession(session);
    return user ? { userId: user.id, role: user.role } : null;
  }

  async function canView(p: Principal, projectId: number): Promise<boolean> {
    try {
      await deps.services.projects.get(p, projectId);
      return true;
    } catch (e) {
      if (isTandemError(e) && (e.code === 'not_found' || e.code === 'forbidden')) return false;
      throw e;
    }
  }

  async function check(conns: WatchedConnection[]): Promise<void> {
    const users = new Map<string, Promise<Principal | null>>();
    const access = new Map<string, Promise<boolean>>();
    const once = <T>(memo: Map<string, Promise<T>>, key: string, read: () => Promise<T>) => {
      let hit = memo.get(key);
      if (!hit) memo.set(key, (hit = read()));
      return hit;
    };
    // One connection after another: a pass over a big team is a trickle of small reads between
    // claims and labels, not a burst that holds every pooled connection at once.
    for (const c of conns) {
      try {
        const { uid, version } = c.session;
        const p = await once(users, `${uid}:${version}`, () => principalOf(c.session));
        if (!open.has(c)) continue;
        if (!p) {
          revoke(c, { kind: 'session-ended' });
          continue;
        }
        for (const projectId of [...c.projects()]) {
          const ok = await once(access, `${p.userId}:${p.role}:${projectId}`, () => canView(p, projectId));
          if (!ok && open.has(c)) c.revoke({ kind: 'project-lost', projectId });
        }
      } catch (err) {
        // A database hiccup revokes nothing: the next pass asks again.
        deps.log.warn({ err }, 'could not check an open connection\'s access');
      }
    }
  }

  function revoke(c: WatchedConnection, r: Revocation): void {
    open.delete(c);
    c.revoke(r);
  }

  // Deferred: the session cache drops the changed row in its own listener, which may run after this one.
  const checkSoon = (userId: number | undefined) => setImmediate(() => {
    void check([...open].filter((c) => userId === undefined || c.session.uid === userId));
  });
  const unsubscribe = [
    deps.services.users.onChange(checkSoon),
    deps.services.projects.onMemberChange((userId) => checkSoon(userId)),
  ];
  let sweeping = false; // a pass that outlasts the interval is not joined by another
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    void check([...open]).finally(() => { sweeping = false; });
  }, deps.everyMs ?? RECHECK_EVERY_MS);
  timer.unref();

  /** Watches a connection until the returned function is called (its close). */
  function watch(c: WatchedConnection): () => void {
    open.add(c);
    return () => { open.delete(c); };
  }

  /**
   * A Yjs connection to one item's document: on revocation it stops applying
   * the client's messages at once and closes with 4401 (session ended) or
   * 4403 (project lost); the provider's reconnect is then refused at the upgrade.
   */
  function watchYjs(ws: WebSocket, session: Session, projectId: number): void {
    const stop = watch({
      session,
      projects: () => [projectId],
      revoke: (r) => {
        stop();
        ws.removeAllListeners('message');
        if (r.kind === 'session-ended') ws.close(4401, 'session ended: log in again');
        else ws.close(4403, `no longer a member of project ${r.projectId}`);
      },
    });
    ws.once('close', stop);
  }

  function stop(): void {
    clearInterval(timer);
    for (const u of unsubscribe) u();
    open.clear();
  }

  return { watch, watchYjs, principalOf, check: () => check([...open]), size: () => open.size, stop };
}

export type AccessWatch = ReturnType<typeof createAccessWatch>;
