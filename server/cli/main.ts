import fs from 'node:fs';
import http from 'node:http';
import { openDatabase, migrateDatabase, type Database } from '../../db/client';
import { TandemError } from '../../lib/errors';
import { ConfigError, mediaDir, pgliteDir, readConfig, type Config } from '../config';
import { createMediaStore } from '../media';
import { createServices } from '../services';
import { isAgreementFileCommand } from './agreement';
import { runProgram, type CliContext, type CliIO } from './commands';
import { checkDataFolder } from './data-folder';
import { LockedError, readLiveServerLock, removeServerLock, serverLockFile, writeServerLock, type ServerLock } from './lock';

const io: CliIO = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
  stdin: async () => {
    let s = '';
    for await (const chunk of process.stdin) s += chunk;
    return s;
  },
};

/**
 * `tandem …` in a terminal. With DATABASE_URL the command opens Postgres
 * itself. Without it the embedded database has one owner: a running server
 * (then the command is sent to it and runs there), or else this process,
 * which holds the lock file meanwhile so a `tandem start` waits its turn.
 */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'simulate') return (await import('./simulate')).runSimulate(argv, io);
  if (isAgreementFileCommand(argv, process.cwd())) {
    // A CSV's agreement needs no database: not the server's, not one opened here.
    return runProgram(argv, { ...io, cwd: process.cwd() }, async () => {
      throw new TandemError('internal', 'agreement over a file opened the database');
    });
  }
  let config: Config;
  try {
    config = readConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.err(`tandem: ${e.message} — fix the variable (see the README's configuration table)`);
    return 2;
  }
  const help = argv.length === 0 || argv[0] === 'help' || argv.includes('--help') || argv.includes('-h');
  // A trainer never opens the database: it runs here whoever owns it.
  const trainer = argv[0] === 'worker' && argv[1] !== 'token';
  const owner = !config.databaseUrl && !help && !trainer ? readLiveServerLock(config.dataDir) : null;
  if (owner && !owner.cli) return remote(config, owner, argv);
  // Looked at once commander has accepted the command (bad usage is answered first), by the
  // first thing that would open the database or start the server.
  const folder = !config.databaseUrl && !help && !trainer && !owner
    ? checkDataFolder(argv, { dataDir: config.dataDir, exists: fs.existsSync(config.dataDir) }) : { kind: 'ready' as const };
  const useFolder = () => {
    if (folder.kind === 'missing') throw new TandemError('not_found', folder.message);
    if (folder.kind === 'create') io.err(folder.notice);
  };

  let database: Database | undefined;
  let locked = false;
  const context = async (): Promise<CliContext> => {
    if (!database) {
      useFolder();
      if (!config.databaseUrl) {
        try {
          writeServerLock(config.dataDir, { port: 0, url: '', cli: true });
        } catch (e) {
          if (e instanceof LockedError) throw new TandemError('conflict', e.message);
          throw e;
        }
        locked = true;
      }
      database = await openDatabase({ url: config.databaseUrl, dataDir: pgliteDir(config), poolSize: 2 }).catch((e: Error) => {
        throw new TandemError('unavailable', `${e.message} — check DATABASE_URL${config.databaseUrl ? '' : ' and TANDEM_DATA'}`);
      });
      await migrateDatabase(database);
    }
    return { services: createServices(database.db, { leaseSeconds: config.leaseSeconds, media: createMediaStore(mediaDir(config)) }) };
  };
  try {
    return await runProgram(argv, {
      ...io, cwd: process.cwd(), start: () => { useFolder(); return start(config); },
      worker: async (o) => (await import('../../workers/trainer/main')).runWorker(o),
    }, context);
  } finally {
    await database?.close();
    if (locked) removeServerLock(config.dataDir);
  }
}

async function start(config: Config): Promise<void> {
  const { startServer } = await import('../main');
  let server: { close(): Promise<void> };
  try {
    server = await startServer(config);
  } catch (e) {
    if (e instanceof LockedError) throw new TandemError('conflict', e.message);
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new TandemError('conflict', `port ${config.port} is in use — set PORT to a free port, or stop what listens there`);
    }
    throw e;
  }
  await new Promise<void>((resolve) => {
    // A second Ctrl-C during the drain falls through to the default handler: it kills at once.
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await server.close();
}

type RemoteReply = { stdout?: string; stderr?: string; exitCode?: number; error?: { message?: string } };

/** Runs the command inside the server that owns the embedded database and relays its output and exit code. */
async function remote(config: Config, owner: ServerLock, argv: string[]): Promise<number> {
  // stdin is the user's terminal, not the server's: read it here, only when the command wants it.
  const stdin = argv.includes('--password-stdin') ? await io.stdin!() : undefined;
  const payload = { argv, cwd: process.cwd(), ...(stdin === undefined ? {} : { stdin }) };
  // Loopback first: the printed URL names PUBLIC_HOST, which may not lead back to this machine.
  const bases = [...new Set([owner.port > 0 ? `http://127.0.0.1:${owner.port}` : owner.url, owner.url])];
  let reply: { status: number; body: RemoteReply | null } | undefined;
  try {
    for (const [i, base] of bases.entries()) {
      try {
        reply = await postJson(`${base}/api/cli/v1`, owner.token, payload);
        break;
      } catch (e) {
        if (i === bases.length - 1 || (e as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw e;
      }
    }
    if (!reply) throw new Error('no address to reach it');
  } catch (e) {
    io.err(`tandem: the server at ${owner.url} (pid ${owner.pid}) owns the database but does not answer (${(e as Error).message})`
      + ` — wait until it has started; if no server runs, delete ${serverLockFile(config.dataDir)}`);
    return 1;
  }
  const { status, body } = reply;
  if (status !== 200 || !body || typeof body.exitCode !== 'number') {
    io.err(`tandem: the server at ${owner.url} refused the command: ${body?.error?.message ?? `HTTP ${status}`}`);
    return 1;
  }
  if (body.stderr) io.err(body.stderr);
  if (body.stdout) io.out(body.stdout);
  return body.exitCode;
}

/** node:http rather than fetch: fetch gives up on a reply slower than 5 minutes, and a large import can be. */
function postJson(url: string, token: string, payload: unknown): Promise<{ status: number; body: RemoteReply | null }> {
  const data = Buffer.from(JSON.stringify(payload));
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': data.length },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        let body: RemoteReply | null = null;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RemoteReply;
        } catch {
          body = null;
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}
