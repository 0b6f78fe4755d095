import path from 'node:path';
import { openDatabase, migrateDatabase, type Database } from '../../db/client';
import { ConfigError, mediaDir, pgliteDir, readConfig, type Config } from '../config';
import { createMediaStore } from '../media';
import { createServices } from '../services';
import { runProgram, type CliContext, type CliIO } from './commands';
import { LockedError, readLiveServerLock, removeServerLock, writeServerLock } from './lock';

const io: CliIO = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
  stdin: async () => {
    let s = '';
    for await (const chunk of process.stdin) s += chunk;
    return s;
  },
};

/** `tandem …`: start the server, or run a command here or in the running server that owns the database. */
export async function main(argv: string[]): Promise<number> {
  let config: Config;
  try {
    config = readConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(`tandem: ${e.message} — fix the variable (see the README's configuration table)`);
      return 2;
    }
    throw e;
  }
  if (argv[0] === 'start' && !argv.includes('--help') && !argv.includes('-h')) return start(config);

  const live = !config.databaseUrl && readLiveServerLock(config.dataDir);
  if (live && !live.cli && !argv.some((a) => a === '--help' || a === '-h') && argv.length > 0) return remote(live.url, live.token, argv);

  let database: Database | undefined;
  let locked = false;
  const context = async (): Promise<CliContext> => {
    if (!database) {
      if (!config.databaseUrl) {
        writeServerLock(config.dataDir, { port: 0, url: '', cli: true });
        locked = true;
      }
      database = await openDatabase({ url: config.databaseUrl, dataDir: pgliteDir(config), poolSize: 2 });
      await migrateDatabase(database);
    }
    return { services: createServices(database.db, { leaseSeconds: config.leaseSeconds, media: createMediaStore(mediaDir(config)) }) };
  };
  try {
    return await runProgram(argv, io, context);
  } catch (e) {
    if (e instanceof LockedError) {
      io.err(`tandem: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    await database?.close();
    if (locked) removeServerLock(config.dataDir);
  }
}

async function remote(url: string, token: string, argv: string[]): Promise<number> {
  // Paths are resolved here, where the user typed them; the server may have another working directory.
  const resolved = argv.map((a, i) => (i > 0 && (argv[0] === 'import' && i === 2) ? path.resolve(a) : a));
  const outAt = resolved.indexOf('--out');
  if (outAt >= 0 && resolved[outAt + 1]) resolved[outAt + 1] = path.resolve(resolved[outAt + 1]);
  let res: Response;
  try {
    res = await fetch(`${url}/api/cli/v1`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ argv: resolved }),
    });
  } catch (e) {
    io.err(`tandem: the server at ${url} holds the database but does not answer (${(e as Error).message}) — stop it, or wait until it has started`);
    return 1;
  }
  const body = (await res.json().catch(() => null)) as { stdout?: string; stderr?: string; exitCode?: number; error?: { message: string } } | null;
  if (!res.ok || !body || body.exitCode === undefined) {
    io.err(`tandem: the server refused the command: ${body?.error?.message ?? `HTTP ${res.status}`}`);
    return 1;
  }
  if (body.stderr) io.err(body.stderr);
  if (body.stdout) io.out(body.stdout);
  return body.exitCode;
}

async function start(config: Config): Promise<number> {
  const { startServer } = await import('../main');
  let server;
  try {
    server = await startServer(config);
  } catch (e) {
    io.err(`tandem: could not start: ${(e as Error).message}`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await server.close();
  return 0;
}
