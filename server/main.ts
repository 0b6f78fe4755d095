import http from 'node:http';
import path from 'node:path';
import fs from 'node:fs';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { Server as SocketServer } from 'socket.io';
import { openDatabase, migrateDatabase } from '../db/client';
import { listProjects } from '../db/queries/projects';
import { mediaDir, pgliteDir, viewsDir, type Config } from './config';
import { createLogger } from './log';
import { createMediaStore } from './media';
import { setRuntime, type Runtime } from './runtime';
import { createServices } from './services';
import { createProgressBroadcaster, setupSockets } from './realtime/sockets';
import { createLifecycle } from './lifecycle';
import { labelChecks, stoppingRules } from './extensions/label-checks';
import { roomEvents } from './extensions/room-events';
import { agreementUpdates } from './extensions/agreement';
import { setupWorkerSockets } from './realtime/worker-socket';
import { createYjsEndpoint } from './realtime/yjs';
import { createAccessWatch } from './realtime/access-watch';
import { ensureBuild } from './build';
import { ensureDemo } from './demo';
import { superviseTrainer } from './trainer-process';
import { SYSTEM } from './services/access';
import { removeServerLock, writeServerLock } from './cli/lock';
import { handleHotRoute } from './http/hot-routes';
import { refuseRequest, screenRequest } from './http/request-guard';
import { createRefusalThrottle } from './http/refusal-throttle';
import { createSuspectLane } from './http/suspect-lane';
import { sessionCacheFor } from './auth/session-cache';
import { handleCliRequest } from './cli/endpoint';
import { startVitals } from './vitals';
import { applyHeapGrowth } from './heap';
import { stampRemoteAddress } from './http/remote-address';
import { createDrain } from './shutdown';

/** The largest socket.io message (websocket frame or polling body) a client may send. */
const SOCKET_MAX_MESSAGE_BYTES = 64 * 1024;

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface RunningServer {
  url: string;
  runtime: Runtime;
  close(): Promise<void>;
}

/**
 * One process, one port: Next.js pages and route handlers, socket.io
 * (/socket.io: pages, and trainers on its /worker namespace) and the Yjs
 * websocket (/yjs/<doc>). The process owns the database; with the embedded
 * PGlite nothing else may open it meanwhile.
 */
export async function startServer(config: Config): Promise<RunningServer> {
  const log = createLogger(config.logLevel);
  applyHeapGrowth(config.heapGrowthPercent);
  startVitals();
  const started = Date.now();
  fs.mkdirSync(config.dataDir, { recursive: true });
  const url = `http://${config.publicHost}:${config.port}`;
  if (!config.databaseUrl) writeServerLock(config.dataDir, { port: config.port, url });

  const building = config.dev ? Promise.resolve() : ensureBuild(ROOT, log);
  const database = await openDatabase({ url: config.databaseUrl, dataDir: pgliteDir(config), keepConnections: true, onIdleError: (err) => log.warn({ err }, 'idle database connection lost') }).catch((e) => {
    if (!config.databaseUrl) removeServerLock(config.dataDir);
    throw e;
  });
  let io: SocketServer | undefined;
  try {
    await migrateDatabase(database);
    log.info({ database: database.kind, where: database.where }, 'database ready');
    const media = createMediaStore(mediaDir(config));
    const services = createServices(database.db, {
      leaseSeconds: config.leaseSeconds,
      media,
      training: { retrainEvery: config.retrainEvery, retrainSeconds: config.retrainSeconds },
      lifecycle: createLifecycle(log),
      claimsFirstMs: config.claimsFirstMs,
      viewSnapshots: { dir: viewsDir(config), database: database.where },
    });
    const progress = createProgressBroadcaster(() => io, services.progressCounts, log);
    // What follows a label, a queue change or a model version: pages told, retrains, budget and stops.
    services.lifecycle.use(roomEvents(() => io, progress, log));
    services.lifecycle.use(labelChecks(() => services, log));
    services.lifecycle.use(stoppingRules(() => services));
    services.lifecycle.use(agreementUpdates(() => services, log));
    // Time-based retrains and expired trainer claims do not wait for the next label.
    const tick = setInterval(() => {
      void (async () => {
        for (const p of await listProjects(database.db)) await services.training.maybeEnqueue(p.id);
      })().catch((err) => log.warn({ err }, 'training tick failed'));
    }, 5000);
    tick.unref();
    const runtime: Runtime = { config, database, services, media, log, startedAt: new Date() };
    setRuntime(runtime);
    process.env.AUTH_SECRET = config.authSecret;
    process.env.AUTH_TRUST_HOST = 'true';
    process.env.AUTH_URL ??= url;

    const [demo] = await Promise.all([ensureDemo({ services, db: database.db, media, config, log }), building]);
    const app = next({ dev: config.dev, dir: ROOT, hostname: config.publicHost, port: config.port });
    await app.prepare();
    const handle = app.getRequestHandler();

    // A caller whose requests keep being refused is answered 429 before the next is parsed: hostile input costs its sender, not the team.
    const refusals = createRefusalThrottle({
      limit: config.refusalLimit,
      sessions: () => sessionCacheFor(services.users, config.authSecret),
      proveWorkerToken: (token) => services.training.authenticate(token).then(() => true, () => false),
    });
    // Callers refused lately are read one at a time, so what they send costs the team one request's wait at most.
    const suspects = createSuspectLane();
    const serve = (req: http.IncomingMessage, res: http.ServerResponse, requestId: string) => {
      const refused = screenRequest(req, config.maxBodyBytes);
      if (refused) return refuseRequest(req, res, refused);
      if (req.url?.startsWith('/api/cli/v1')) {
        void handleCliRequest(req, res, runtime);
        return;
      }
      if (handleHotRoute(req, res)) return;
      handle(req, res).catch((err: unknown) => {
        log.error({ err, requestId }, 'request failed');
        if (!res.headersSent) {
          res.statusCode = 500;
          res.setHeader('content-type', 'application/json');
        }
        res.end(JSON.stringify({ error: { code: 'internal', message: `internal error (request ${requestId})` } }));
      });
    };
    const server = http.createServer((req, res) => {
      const requestId = crypto.randomUUID();
      const t0 = performance.now();
      req.headers['x-request-id'] = requestId;
      stampRemoteAddress(req);
      res.setHeader('x-request-id', requestId);
      res.once('finish', () => {
        refusals.settle(req, res.statusCode);
        const entry = { requestId, method: req.method, url: req.url, status: res.statusCode, ms: Math.round(performance.now() - t0) };
        if (res.statusCode >= 500) log.warn(entry, 'request failed');
        else log.debug(entry, 'request');
      });
      const admission = refusals.admit(req);
      const go = (a: Awaited<typeof admission>) => {
        if (a.kind === 'throttled') return refuseRequest(req, res, a.verdict);
        if (!a.suspect) return serve(req, res, requestId);
        if (!suspects.enter(res, () => serve(req, res, requestId))) refuseRequest(req, res, refusals.laneFull());
      };
      if (admission instanceof Promise) {
        admission.then(go, (err: unknown) => {
          log.warn({ err, requestId }, 'could not tell who sent a request; reading it');
          serve(req, res, requestId);
        });
      } else go(admission);
    });
    // socket.io must leave upgrades it does not own alone: the Yjs endpoint shares the port.
    // Events are small (a project id, a trainer's progress line): a larger frame or polling body is refused by engine.io.
    io = new SocketServer(server, { path: '/socket.io', destroyUpgrade: false, serveClient: false, maxHttpBufferSize: SOCKET_MAX_MESSAGE_BYTES });
    // Open pages and documents follow logouts, role and membership changes (server/realtime/access-watch.ts).
    const access = createAccessWatch({ services, secret: config.authSecret, log });
    setupSockets(io, { services, secret: config.authSecret, log, access });
    setupWorkerSockets(io, { services, log });
    const drain = createDrain(server, log);
    const yjs = createYjsEndpoint({ db: database.db, services, secret: config.authSecret, log, access });
    const nextUpgrade = config.dev ? app.getUpgradeHandler() : undefined;
    server.on('upgrade', (req, socket, head) => {
      const p = req.url ?? '';
      if (p.startsWith('/yjs/')) void yjs.handleUpgrade(req, socket, head);
      else if (p.startsWith('/socket.io/')) return; // socket.io's own listener takes it
      else if (nextUpgrade && p.startsWith('/_next/')) void nextUpgrade(req, socket, head);
      else socket.destroy();
    });

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    log.info({ url, ms: Date.now() - started }, 'serving');
    // The first claims after a restart deal from the pool views the last run kept, read now rather than by the first claim.
    const warming = Date.now();
    void services.queue.warm().then(
      (projects) => { if (projects.length > 0) log.info({ projects, ms: Date.now() - warming }, 'pool views of the last run read; their builds started'); },
      (err) => log.warn({ err }, 'could not read the pool views the last run kept; the first claims read them'),
    );
    printBanner(url, database.kind, demo.logins);
    const trainer = config.trainer ? superviseTrainer({
      root: ROOT, server: `http://127.0.0.1:${config.port}`, log, logLevel: config.logLevel, cacheDir: path.join(config.dataDir, 'trainer-cache'),
      token: (await services.training.tokens.rotateLocal(SYSTEM)).token,
      onExit: (worker, why) => {
        void services.training.releaseWorker(worker, why)
          .then((n) => { if (n) log.warn({ worker, jobs: n }, 're-queued the jobs of a trainer that exited'); })
          .catch((err) => log.warn({ err }, 'could not re-queue the exited trainer\'s jobs; their claims will lapse'));
      },
    }) : undefined;

    let closing: Promise<void> | undefined;
    const close = () => (closing ??= (async () => {
      log.info('shutting down: draining connections');
      clearInterval(tick);
      await trainer?.stop();
      progress.stop();
      services.lifecycle.stop();
      access.stop();
      // In-flight requests finish (a label being committed is acknowledged); new ones are refused.
      // Every wait below is bounded by one grace period (server/shutdown.ts): nothing a page does can hold the exit.
      const drained = new Promise<void>((r) => server.once('close', () => r()));
      server.close();
      server.closeIdleConnections();
      drain.begin();
      // io.close() waits for the HTTP server to close, which waits for every upgraded socket, the
      // Yjs ones included: those are closed first, or a page with an editor open holds shutdown forever.
      const yjsFlushed = yjs.flush();
      await drain.step('socket.io', new Promise<void>((r) => io!.close(() => r())));
      await drain.step('the live documents\' writes', yjsFlushed);
      // Once the grace period has cut what was left, the server's 'close' follows at once.
      await drain.step('the open connections', drained, 1000);
      drain.end();
      await drain.step('the database', database.close(), 5000);
      setRuntime(undefined);
      if (!config.databaseUrl) removeServerLock(config.dataDir);
      log.info('stopped');
    })());
    return { url, runtime, close };
  } catch (e) {
    io?.close();
    await database.close().catch(() => {});
    if (!config.databaseUrl) removeServerLock(config.dataDir);
    throw e;
  }
}

function printBanner(url: string, db: string, logins: { email: string; password: string; role: string }[]): void {
  const lines = [`\n  Tandem is running at ${url}  (database: ${db})`];
  if (logins.length) {
    lines.push('', '  Demo logins (shown once; set TANDEM_DEMO_PASSWORD to choose them):');
    for (const l of logins) lines.push(`    ${l.role.padEnd(10)} ${l.email.padEnd(22)} ${l.password}`);
  }
  process.stdout.write(lines.join('\n') + '\n\n');
}
