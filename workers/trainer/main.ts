import os from 'node:os';
import { createLogger, type Logger } from '../../server/log';
import type { RankingEntry } from '../../lib/protocol/worker';
import { TASK_TYPE_NAMES } from '../../lib/tasks';
import { WorkerClient, ProtocolError } from './client';
import { isTokenRefused } from './supervision';
import { createTrainer } from './train';
import { createFeatureCache, defaultCacheDir } from './cache';
import { createExtractors } from './extractor';
import { loadCompute } from './compute';
import { openProgressSocket, type JobProgress } from './progress-socket';

export interface WorkerOptions {
  server: string;
  token: string;
  /** Seconds between claims when the queue is empty. */
  idleSeconds?: number;
  log?: Logger;
  /** Where thumbnails and features are kept between runs (default TANDEM_WORKER_CACHE or ~/.cache/tandem-worker); null: memory only. */
  cacheDir?: string | null;
  /** Stop after this many jobs (tests, benchmarks); forever when unset. */
  maxJobs?: number;
  /** Seconds between a job's heartbeats (default 10; keep it well under the server's claim lease). */
  heartbeatSeconds?: number;
}

/**
 * The trainer loop: claim a job, keep its claim alive with heartbeats, run
 * it, upload, complete; on any failure tell the server (the job is re-queued)
 * and go on. It never opens the database. Progress goes live over the worker
 * socket and with every heartbeat (the socket is best-effort). SIGTERM stops
 * it between steps. A token the server refuses (revoked, unknown) ends it: the
 * ProtocolError is thrown (isTokenRefused) for the caller to exit with
 * TOKEN_REFUSED_EXIT, since no retry with the same token can help.
 */
export async function runWorker(opts: WorkerOptions): Promise<void> {
  const log = opts.log ?? createLogger(process.env.LOG_LEVEL ?? 'info', 'trainer');
  const client = new WorkerClient(opts.server.replace(/\/$/, ''), opts.token);
  const cache = opts.cacheDir === null ? undefined : createFeatureCache(opts.cacheDir ?? defaultCacheDir(), opts.server.replace(/\/$/, ''));
  // The compute (label spreading + the tfjs head on loadTf's backend), said once at start and sent with every model version.
  const compute = await loadCompute();
  const trainer = createTrainer(client, cache, createExtractors(client, (msg, fields) => log.info(fields, msg)), compute);
  const name = `${os.hostname()}:${process.pid}`;
  const live = openProgressSocket(opts.server, opts.token, log);
  let stopping = false;
  const stop = () => { stopping = true; };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  log.info({ server: opts.server, backend: compute.backend, tf: compute.tf ?? null, head: compute.headName ?? null, worker: name, cache: cache?.dir ?? 'memory only' }, 'trainer started');
  if (compute.tfError) log.error({ err: compute.tfError }, 'tfjs did not start: bald, vote-entropy and pools too large for the neighbour graph will fail their jobs; other strategies run on label spreading');
  let jobs = 0;
  let backoff = 1000;
  // Set when the server refuses the token mid-job (a heartbeat, an upload): the loop ends after that job.
  let refused: ProtocolError | undefined;
  const wire: Wire = { uncertainty: true };
  while (!stopping && !refused && (opts.maxJobs === undefined || jobs < opts.maxJobs)) {
    let job;
    try {
      // Every task type: classification by a model, boxes and keypoints by diversity alone (lib/tasks builtinRanking).
      job = await client.claim({ worker: name, backends: compute.backends, protocol: 1, taskTypes: [...TASK_TYPE_NAMES] });
      backoff = 1000;
    } catch (e) {
      const err = e as ProtocolError;
      if (!err.retry) { // a bad token or another protocol version: say so and stop
        live.close();
        throw e;
      }
      log.warn({ err: err.message }, `server unreachable; retrying in ${backoff / 1000} s`);
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 30_000);
      continue;
    }
    if (!job) {
      await sleep((opts.idleSeconds ?? 1) * 1000);
      continue;
    }
    jobs++;
    const jlog = log.child({ jobId: job.id, projectId: job.projectId });
    jlog.info({ labels: job.labelCount, strategy: job.strategy, attempt: job.attempt }, 'job claimed');
    let progress: JobProgress = { phase: 'starting', done: 0, total: 0 };
    const advance = (phase: string, done: number, total: number) => {
      progress = { phase, done, total };
      live.report(job.id, progress);
    };
    // The last heartbeat sent: completion waits for it, or it could reach the server after the job is done and be refused.
    let beating: Promise<void> = Promise.resolve();
    const beat = setInterval(() => {
      beating = client.heartbeat(job.id, progress).then(() => undefined, (err: Error) => {
        if (isTokenRefused(err)) refused ??= err;
        else jlog.warn({ err: err.message }, 'heartbeat failed');
      });
    }, (opts.heartbeatSeconds ?? 10) * 1000);
    try {
      advance('starting', 0, 0);
      const { entries, report, after } = await trainer.run(job, advance);
      if (report.embeddingsError) jlog.warn({ err: report.embeddingsError }, 'embeddings not uploaded; the ranking goes without them (the queue deals in rank order)');
      advance('uploading', 0, entries.length);
      await uploadRanking(client, job.id, entries, wire, (done) => advance('uploading', done, entries.length), jlog);
      // No heartbeat after this point, and none still on its way: one racing the completion is refused ("job is done").
      clearInterval(beat);
      await beating;
      const done = await client.complete(job.id, {
        labelCount: report.labelCount, backend: report.backend, model: report.model, strategy: report.strategy,
        metrics: report.metrics, chunks: entries.length, seconds: report.seconds,
        // Only a server that took the upload knows the field (older ones refuse unknown fields).
        ...(report.embeddingSpace ? { embeddingSpace: report.embeddingSpace } : {}),
        ...(report.lead !== undefined ? { lead: report.lead } : {}),
      });
      jlog.info({ ...done, seconds: report.seconds.toFixed(2), phases: report.phases, accuracy: report.metrics?.accuracy, space: report.embeddingSpace, diversity: report.diversity }, 'ranking applied');
      // With the ranking applied: what the next round needs (a head picked by CV on these labels).
      try {
        after?.();
      } catch (err) {
        jlog.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not prepare the next round; it fits the last pick again');
      }
    } catch (e) {
      trainer.forget(job.projectId);
      // A refused token cannot report the failure either: the claim lapses and another trainer takes the job.
      if (isTokenRefused(e)) refused ??= e;
      else {
        const reason = e instanceof Error ? e.message : String(e);
        jlog.error({ err: reason }, 'job failed');
        await client.fail(job.id, reason).catch((err: Error) => jlog.warn({ err: err.message }, 'could not report the failure; the claim will expire'));
      }
    } finally {
      clearInterval(beat);
      live.finish(job.id);
    }
  }
  live.close();
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
  if (refused) throw refused;
  log.info({ jobs }, 'trainer stopped');
}

/** What the server this trainer talks to takes, found out once per process. */
export interface Wire {
  /** RankingEntry.uncertainty: a server older than it refuses the field (it refuses unknown fields). */
  uncertainty: boolean;
}

/**
 * Uploads a job's ranking chunk by chunk. A server that refuses per-item
 * uncertainty as an unknown field gets the chunk again without it, and every
 * later one (`wire` remembers); any other refusal fails the job.
 */
export async function uploadRanking(client: Pick<WorkerClient, 'uploadChunk'>, jobId: number, entries: RankingEntry[][], wire: Wire, uploaded: (done: number) => void, log: Logger): Promise<void> {
  for (const [index, chunk] of entries.entries()) {
    const upload = () => client.uploadChunk(jobId, { index, total: entries.length, entries: wire.uncertainty ? chunk : chunk.map(({ uncertainty: _, ...e }) => e) });
    try {
      await upload();
    } catch (e) {
      const refused = e instanceof ProtocolError && e.status === 400 && /Unrecognized key.*"uncertainty"/.test(e.message);
      if (!wire.uncertainty || !refused) throw e;
      log.warn('the server does not take per-item uncertainty (an older server): ranking uploads go without it');
      wire.uncertainty = false;
      await upload();
    }
    uploaded(index + 1);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
