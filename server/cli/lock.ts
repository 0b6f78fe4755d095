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

const file = (dataDir: string) => path.join(dataDir, 'server.json');

export class LockedError extends Error {}

export function writeServerLock(dataDir: string, info: { port: number; url: string; cli?: boolean }): string {
  const live = readLiveServerLock(dataDir);
  if (live && live.pid !== process.pid) {
    throw new LockedError(live.cli
      ? `the embedded database in ${dataDir} is in use by a tandem command (pid ${live.pid}); wait for it to finish`
      : `the embedded database in ${dataDir} is in use by the server at ${live.url} (pid ${live.pid}); stop it first, or use another TANDEM_DATA`);
  }
  const token = crypto.randomBytes(24).toString('base64url');
  fs.mkdirSync(dataDir, { recursive: true });
  const lock: ServerLock = { pid: process.pid, port: info.port, url: info.url, token, cli: info.cli };
  fs.writeFileSync(file(dataDir), JSON.stringify(lock), { mode: 0o600 });
  return token;
}

/** The lock of a process that is still alive, or null (a stale lock from a killed process is ignored). */
export function readLiveServerLock(dataDir: string): ServerLock | null {
  let lock: ServerLock;
  try {
    lock = JSON.parse(fs.readFileSync(file(dataDir), 'utf8')) as ServerLock;
  } catch {
    return null;
  }
  try {
    process.kill(lock.pid, 0);
    return lock;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? lock : null;
  }
}

export function removeServerLock(dataDir: string): void {
  const live = readLiveServerLock(dataDir);
  if (!live || live.pid === process.pid) fs.rmSync(file(dataDir), { force: true });
}
