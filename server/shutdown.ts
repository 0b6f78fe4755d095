import type http from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from './log';

/** How long in-flight requests and open sockets get to finish before they are cut. */
export const SHUTDOWN_GRACE_MS = 5000;

/**
 * A bounded shutdown: every step gets what is left of one grace period, a step
 * still pending when it ends is named in the log and passed, and at the end of
 * the grace every connection the server ever accepted (upgraded websockets
 * included, which `closeAllConnections` does not know) is destroyed, so the
 * HTTP server's 'close' — and socket.io's close, which waits for it — cannot
 * be held forever by a page that keeps asking or an upgrade that completed late.
 */
export function createDrain(server: http.Server, log: Pick<Logger, 'warn'>, graceMs = SHUTDOWN_GRACE_MS) {
  const sockets = new Set<Socket>();
  /** The last request each connection carried, so a cut connection is named by what it was doing (the path, no query). */
  const lastRequest = new WeakMap<object, string>();
  const remember = (kind: string) => (req: http.IncomingMessage) => lastRequest.set(req.socket, `${kind}${req.method} ${(req.url ?? '').split('?')[0]}`);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', remember(''));
  server.on('upgrade', remember('upgraded: '));
  let deadline = 0;
  let cut: NodeJS.Timeout | undefined;
  let sweep: NodeJS.Timeout | undefined;

  function cutAll(): string[] {
    const open = [...sockets].map((s) => lastRequest.get(s) ?? 'no request yet');
    server.closeAllConnections();
    for (const s of sockets) s.destroy();
    return open;
  }

  return {
    /** Starts the grace period: at its end whatever is still connected is cut. */
    begin(): void {
      deadline = Date.now() + graceMs;
      // A kept-alive connection that finishes its request during the grace is closed then, not at its end.
      sweep = setInterval(() => server.closeIdleConnections(), 100);
      sweep.unref();
      cut = setTimeout(() => {
        clearInterval(sweep);
        const open = cutAll();
        if (open.length > 0) log.warn({ connections: open.length, last: open.slice(0, 10), graceMs }, 'shutdown: connections still open after the grace period were closed');
      }, graceMs);
      cut.unref();
    },
    /** Waits for one step, no longer than what is left of the grace period (and at least `floorMs`). */
    async step(name: string, work: Promise<unknown>, floorMs = 0): Promise<'done' | 'late'> {
      const left = Math.max(deadline - Date.now(), floorMs);
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        work.then(() => 'done' as const, (err: unknown) => { log.warn({ err, step: name }, 'shutdown: a step failed; going on'); return 'done' as const; }),
        new Promise<'late'>((r) => { timer = setTimeout(() => r('late'), left); timer.unref(); }),
      ]);
      clearTimeout(timer);
      if (outcome === 'late') log.warn({ step: name, waitedMs: left }, `shutdown: ${name} did not finish in time; going on without it`);
      return outcome;
    },
    /** Ends the grace period early (every step finished). */
    end(): void {
      clearTimeout(cut);
      clearInterval(sweep);
    },
    /** Connections open now (tests). */
    open: () => sockets.size,
  };
}
