import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { runWorker } from '../../workers/trainer/main';
import { isTokenRefused, TOKEN_REFUSED_EXIT } from '../../workers/trainer/supervision';
import { createLogger } from '../../server/log';
import { TANDEM_BIN } from '../fixtures/cli';
import { ROOT, TMP_ROOT } from '../fixtures/paths';

/**
 * Finding 10 of issue 15, the trainer's side: a token the server refuses
 * (401, as for a revoked token) ends the trainer at once, with one line and
 * exit code TOKEN_REFUSED_EXIT, rather than retrying. A stand-in server
 * answers every worker call the way Tandem answers a revoked token.
 */
describe('a trainer whose token the server refuses', () => {
  let server: http.Server;
  let url: string;
  let claims = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.startsWith('/api/worker/v1/jobs/claim')) claims++;
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'unauthenticated', message: 'unknown or revoked worker token' } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { await new Promise((r) => server.close(r)); });

  it('stops at its first claim with the refusal, trying no more', async () => {
    claims = 0;
    const err = await runWorker({ server: url, token: 'tdw_revoked', cacheDir: null, idleSeconds: 0, log: createLogger('silent', 'trainer') }).then(() => null, (e: unknown) => e);
    expect(isTokenRefused(err)).toBe(true);
    expect(claims).toBe(1);
  });

  const run = (env: Record<string, string>) => new Promise<{ code: number | null; err: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [TANDEM_BIN, 'worker', '--server', url, '--token', 'tdw_revoked'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', TANDEM_WORKER_CACHE: path.join(TMP_ROOT, 'token-refused-cache'), ...env } });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, err }));
  });

  it('`tandem worker` exits with TOKEN_REFUSED_EXIT and one line saying how to get a new token', async () => {
    const r = await run({});
    expect(r.code).toBe(TOKEN_REFUSED_EXIT);
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tandem: the server refused this worker token .*npx tandem worker token create --name NAME.*unknown or revoked worker token/);
  }, 60_000);

  it('leaves the line to its supervisor under `tandem start`', async () => {
    const r = await run({ TANDEM_TRAINER_SUPERVISED: '1' });
    expect(r.code).toBe(TOKEN_REFUSED_EXIT);
    expect(r.err.trim()).toBe('');
  }, 60_000);
});
