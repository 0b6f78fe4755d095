import { io, type Socket } from 'socket.io-client';
import { PROGRESS_EVENT, PROGRESS_EVERY_MS, ProgressAck, WORKER_NAMESPACE } from '../../lib/protocol/worker';
import type { Logger } from '../../server/log';

export interface JobProgress {
  phase: string;
  done: number;
  total: number;
}

/**
 * The trainer's live progress line (the worker protocol's socket.io
 * namespace). Best-effort by design: the HTTP heartbeat keeps the claim and
 * carries the progress too, so while the socket is down (server restarting,
 * a proxy that drops websockets, a token refused) reports are dropped, not
 * queued, and the job goes on.
 */
export interface ProgressSocket {
  /** Says a job's progress: at once on a new phase, else at most every `everyMs`, the latest value winning. */
  report(jobId: number, progress: JobProgress): void;
  /** The job ended (done, failed): a report still waiting for its turn is dropped. */
  finish(jobId: number): void;
  /** Disconnects for good (the worker stops). */
  close(): void;
  /** Whether reports go out now: the handshake is through on this side (reports before it are dropped). */
  readonly connected: boolean;
}

export function openProgressSocket(server: string, token: string, log: Logger, opts: { everyMs?: number; ackTimeoutMs?: number } = {}): ProgressSocket {
  const everyMs = opts.everyMs ?? PROGRESS_EVERY_MS;
  const socket: Socket = io(`${server.replace(/\/$/, '')}${WORKER_NAMESPACE}`, {
    path: '/socket.io', transports: ['websocket'], auth: { token }, reconnectionDelayMax: 30_000,
  });
  let refused = false;
  socket.on('connect', () => {
    log.debug('progress socket connected');
    refused = false;
  });
  socket.on('connect_error', (err) => {
    // socket.io retries network failures by itself; a refused token (the server's middleware) it does not.
    if (!refused) log.warn({ err: err.message, retrying: socket.active }, 'progress socket not connected; progress goes with the heartbeats');
    refused = true;
  });

  // One job at a time in practice; keyed anyway so a late report of an old job cannot mix with the new one.
  const jobs = new Map<number, { phase: string | null; sentAt: number; pending: JobProgress | null; timer: NodeJS.Timeout | null }>();
  const warned = new Set<string>();

  function send(jobId: number, progress: JobProgress) {
    if (!socket.connected) return; // socket.io would buffer it and send it stale on reconnect
    socket.timeout(opts.ackTimeoutMs ?? 10_000).emit(PROGRESS_EVENT, { jobId, ...progress }, (err: Error | null, reply: unknown) => {
      if (err) return log.debug({ jobId, err: err.message }, 'progress not acknowledged');
      const ack = ProgressAck.safeParse(reply);
      if (!ack.success) return log.debug({ jobId }, 'progress acknowledged in an unknown shape');
      if ('error' in ack.data) {
        const key = `${jobId}:${ack.data.error.code}`;
        if (warned.has(key)) return;
        warned.add(key);
        log.warn({ jobId, code: ack.data.error.code, err: ack.data.error.message }, 'progress refused');
      }
    });
  }

  return {
    report(jobId, progress) {
      let job = jobs.get(jobId);
      if (!job) jobs.set(jobId, job = { phase: null, sentAt: 0, pending: null, timer: null });
      const now = Date.now();
      if (progress.phase !== job.phase || now - job.sentAt >= everyMs) {
        if (job.timer) clearTimeout(job.timer);
        Object.assign(job, { phase: progress.phase, sentAt: now, pending: null, timer: null });
        send(jobId, progress);
        return;
      }
      job.pending = { ...progress };
      if (job.timer) return;
      const due = job;
      due.timer = setTimeout(() => {
        due.timer = null;
        if (!due.pending) return;
        const latest = due.pending;
        Object.assign(due, { sentAt: Date.now(), pending: null });
        send(jobId, latest);
      }, job.sentAt + everyMs - now);
      due.timer.unref();
    },
    finish(jobId) {
      const job = jobs.get(jobId);
      if (job?.timer) clearTimeout(job.timer);
      jobs.delete(jobId);
    },
    close() {
      for (const id of [...jobs.keys()]) this.finish(id);
      socket.disconnect();
    },
    get connected() {
      return socket.connected;
    },
  };
}
