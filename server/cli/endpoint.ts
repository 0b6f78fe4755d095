import type http from 'node:http';
import path from 'node:path';
import crypto from 'node:crypto';
import { z } from 'zod';
import { describeZodError, isTandemError, type ErrorCode } from '../../lib/errors';
import { readNodeBodyText } from '../http/request-guard';
import type { Runtime } from '../runtime';
import { runProgram } from './commands';
import { readLiveServerLock } from './lock';

/** What `tandem <command>` sends to the server that owns the embedded database. */
const CliRequest = z.object({
  argv: z.array(z.string().max(10_000)).max(100),
  /** The caller's working directory: relative paths in argv mean what they meant in the terminal. */
  cwd: z.string().max(4096).refine((p) => path.isAbsolute(p), 'must be an absolute path').optional(),
  /** The caller's standard input, for `--password-stdin`. */
  stdin: z.string().max(10_000).optional(),
}).strict();

const MAX_BODY = 1_000_000;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

const fail = (res: http.ServerResponse, status: number, code: ErrorCode, message: string) => send(res, status, { error: { code, message } });

/** Constant-time: the token must not leak through how long a wrong guess takes. */
function tokenMatches(header: string | undefined, expected: string): boolean {
  const given = crypto.createHash('sha256').update((header ?? '').replace(/^Bearer\s+/i, '')).digest();
  const want = crypto.createHash('sha256').update(expected).digest();
  return expected.length > 0 && crypto.timingSafeEqual(given, want);
}

/**
 * POST /api/cli/v1: runs a CLI command inside the server that owns the
 * embedded database, with the same code a terminal runs. Only a caller that
 * can read the data folder (the token in server.json, mode 600) may; the
 * command acts as SYSTEM, as it would in the terminal.
 * Replies `{ stdout, stderr, exitCode }`, or `{ error: { code, message } }`.
 */
export async function handleCliRequest(req: http.IncomingMessage, res: http.ServerResponse, rt: Runtime): Promise<void> {
  try {
    if (req.method !== 'POST') return fail(res, 405, 'bad_request', 'use POST');
    const lock = readLiveServerLock(rt.config.dataDir);
    if (!lock || lock.pid !== process.pid || !tokenMatches(req.headers.authorization, lock.token)) {
      return fail(res, 401, 'unauthenticated', 'a CLI token from this server\'s data folder (server.json) is required');
    }
    // The front door's bounded reader: past the limit a 413 while the rest is dropped (request-guard.ts).
    let text: string;
    try {
      text = await readNodeBodyText(req, MAX_BODY);
    } catch (e) {
      if (!isTandemError(e)) throw e;
      res.setHeader('connection', 'close');
      return fail(res, e.status, e.code, e.message);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail(res, 400, 'bad_request', 'the body is not valid JSON');
    }
    const parsed = CliRequest.safeParse(json);
    if (!parsed.success) return fail(res, 400, 'bad_request', describeZodError(parsed.error));
    const { argv, cwd, stdin } = parsed.data;
    if (argv[0] === 'start') return fail(res, 409, 'conflict', `Tandem is running already at ${lock.url}`);
    const stdout: string[] = [];
    const stderr: string[] = [];
    const exitCode = await runProgram(argv, {
      out: (l) => stdout.push(l), err: (l) => stderr.push(l), cwd, stdin: stdin === undefined ? undefined : async () => stdin,
    }, async () => ({ services: rt.services }));
    // Only the command's name is logged: argv may hold a password.
    rt.log.info({ command: argv.filter((a) => !a.startsWith('-')).slice(0, 2), exitCode }, 'cli command run in the server');
    send(res, 200, { stdout: stdout.join('\n'), stderr: stderr.join('\n'), exitCode });
  } catch (e) {
    rt.log.error({ err: e }, 'cli request failed');
    if (!res.headersSent) fail(res, 500, 'internal', 'internal error; see the server log');
  }
}
