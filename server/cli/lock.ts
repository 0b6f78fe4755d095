import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

/**
 * The embedded database has one owner process. The owner writes
 * `$TANDEM_DATA/server.json` (pid, URL and a token for CLI commands, mode
 * 600); a second owner refuses to start, and CLI commands go to the owner.
 */
export interface ServerLock {
  pid: number;
  port: number;
  url: string;
  token: string;
  /** A CLI command holds the database without serving HTTP. */
  cli?: boolean;
}

export const serverLockFile = (dataDir: string) => path.join(dataDir, 'server.json');

/** The database is owned by another live process; the message says by whom and what to do. */
export class LockedError extends Error {}

/**
 * Takes the lock (or refreshes our own) and returns the CLI token. Creating
 * the file is atomic, so of two processes starting at once one wins; a lock
 * left by a process that died is taken over.
 */
export function writeServerLock(dataDir: string, info: { port: number; url: string; cli?: boolean }): string {
  fs.mkdirSync(dataDir, { recursive: true });
  const token = crypto.randomBytes(24).toString('base64url');
  const lock: ServerLock = { pid: process.pid, port: info.port, url: info.url, token, ...(info.cli ? { cli: true } : {}) };
  const file = serverLockFile(dataDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(lock), { mode: 0o600, flag: 'wx' });
      return token;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const live = readLiveServerLock(dataDir);
    if (live && live.pid !== process.pid) throw lockedBy(dataDir, live);
    fs.rmSync(file, { force: true }); // stale, or ours from an earlier call
  }
  throw new LockedError(`another process is taking the embedded database in ${dataDir} at this moment — try again`);
}

function lockedBy(dataDir: string, live: ServerLock): LockedError {
  return new LockedError(live.cli
    ? `the embedded database in ${dataDir} is in use by a tandem command (pid ${live.pid}) — wait for it to finish`
    : `the embedded database in ${dataDir} is in use by the server at ${live.url} (pid ${live.pid}) — stop it first, or use another TANDEM_DATA`);
}

/** The lock of a process that is still alive, or null (a stale lock from a killed process is ignored). */
export function readLiveServerLock(dataDir: string): ServerLock | null {
  let lock: ServerLock;
  try {
    lock = JSON.parse(fs.readFileSync(serverLockFile(dataDir), 'utf8')) as ServerLock;
  } catch {
    return null;
  }
  if (!Number.isInteger(lock?.pid) || lock.pid <= 0 || typeof lock.token !== 'string') return null;
  try {
    process.kill(lock.pid, 0);
    return lock;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? lock : null;
  }
}

/** Removes the lock if it is ours (or stale); never another live process's. */
export function removeServerLock(dataDir: string): void {
  const live = readLiveServerLock(dataDir);
  if (!live || live.pid === process.pid) fs.rmSync(serverLockFile(dataDir), { force: true });
}
