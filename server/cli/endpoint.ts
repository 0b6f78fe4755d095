import type http from 'node:http';
import crypto from 'node:crypto';
import { z } from 'zod';
import { describeZodError } from '../../lib/errors';
import type { Runtime } from '../runtime';
import { runProgram } from './commands';
import { readLiveServerLock } from './lock';

const CliRequest = z.object({ argv: z.array(z.string().max(10_000)).max(100) }).strict();

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

/**
 * Runs a CLI command inside the server that owns the embedded database. Only
 * a caller that can read the data folder (the token in server.json) may.
 */
export async function handleCliRequest(req: http.IncomingMessage, res: http.ServerResponse, rt: Runtime): Promise<void> {
  try {
    if (req.method !== 'POST') return send(res, 405, { error: { code: 'bad_request', message: 'POST only' } });
    const lock = readLiveServerLock(rt.config.dataDir);
    const given = Buffer.from((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    const expected = Buffer.from(lock?.token ?? '');
    if (!lock || given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
      return send(res, 401, { error: { code: 'unauthenticated', message: 'a CLI token from this server\'s data folder is required' } });
    }
    let raw = '';
    for await (const chunk of req) {
      raw += chunk;
      if (raw.length > 1_000_000) return send(res, 400, { error: { code: 'bad_request', message: 'request too large' } });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return send(res, 400, { error: { code: 'bad_request', message: 'the body is not valid JSON' } });
    }
    const parsed = CliRequest.safeParse(json);
    if (!parsed.success) return send(res, 400, { error: { code: 'bad_request', message: describeZodError(parsed.error) } });
    if (parsed.data.argv[0] === 'start') return send(res, 409, { error: { code: 'conflict', message: `Tandem is already running at ${lock.url}` } });
    const stdout: string[] = [];
    const stderr: string[] = [];
    const exitCode = await runProgram(parsed.data.argv, { out: (l) => stdout.push(l), err: (l) => stderr.push(l) }, async () => ({ services: rt.services }));
    rt.log.info({ argv: parsed.data.argv.slice(0, 2), exitCode }, 'cli command run in the server');
    send(res, 200, { stdout: stdout.join('\n'), stderr: stderr.join('\n'), exitCode });
  } catch (e) {
    rt.log.error({ err: e }, 'cli request failed');
    if (!res.headersSent) send(res, 500, { error: { code: 'internal', message: 'internal error; see the server log' } });
  }
}
