import type { Logger } from '../log';

/** Auth.js's logger hooks (its `logger` option), typed here so this module does not import Auth.js's internals. */
export interface AuthLogger extends Record<string, (...args: never[]) => void> {
  error(error: Error): void;
  warn(code: string): void;
  debug(message: string, metadata?: unknown): void;
}

/** Auth.js's error types for a login it refused on purpose (a wrong password, a throttled account). */
const REFUSALS = new Set(['CredentialsSignin']);

/**
 * Auth.js's log, into the server's own. A refused login is routine: authorize() has
 * already logged it as one line with who and why, so Auth.js's `[auth][error]` with its
 * stack trace is dropped; anything else is a real error and keeps its stack.
 */
export function authLogger(log: () => Logger): AuthLogger {
  return {
    error(error) {
      const type = (error as { type?: string }).type ?? error.name;
      if (REFUSALS.has(type)) return;
      log().error({ err: error, type }, 'auth error');
    },
    warn(code) {
      log().warn({ code }, 'auth warning');
    },
    debug(message, metadata) {
      log().debug({ metadata }, `auth: ${message}`);
    },
  };
}
