import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

// TEMPORARY minimal version (the CLI helper replaces it).
const file = (dataDir: string) => path.join(dataDir, 'server.json');

export function writeServerLock(dataDir: string, info: { port: number; url: string }): string {
  const live = readLiveServerLock(dataDir);
  if (live && live.pid !== process.pid) throw new Error(`the embedded database in ${dataDir} is in use by process ${live.pid} (${live.url}); stop it first`);
  const token = crypto.randomBytes(24).toString('base64url');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file(dataDir), JSON.stringify({ pid: process.pid, ...info, token }), { mode: 0o600 });
  return token;
}

export function readLiveServerLock(dataDir: string): { pid: number; port: number; url: string; token: string } | null {
  try {
    const lock = JSON.parse(fs.readFileSync(file(dataDir), 'utf8'));
    process.kill(lock.pid, 0);
    return lock;
  } catch {
    return null;
  }
}

export function removeServerLock(dataDir: string): void {
  fs.rmSync(file(dataDir), { force: true });
}
