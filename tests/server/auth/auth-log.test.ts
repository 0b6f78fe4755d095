import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { CredentialsSignin } from '@auth/core/errors';
import { authLogger } from '../../../server/auth/auth-log';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => { lines.push(JSON.parse(s)); } });
  return { lines, logger: authLogger(() => log) };
}

describe("Auth.js's log in the server's log", () => {
  it('drops the stack trace Auth.js logs for a refused login (authorize logs that one line itself)', () => {
    const { lines, logger } = capture();
    logger.error(new CredentialsSignin());
    expect(lines).toEqual([]);
  });

  it('keeps a real auth error as one structured error with its stack', () => {
    const { lines, logger } = capture();
    const broken = Object.assign(new Error('secret missing'), { type: 'MissingSecret' });
    logger.error(broken);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'auth error', type: 'MissingSecret', err: { message: 'secret missing' } });
    expect(String((lines[0].err as { stack: string }).stack)).toContain('secret missing');
  });

  it('logs a warning by its code', () => {
    const { lines, logger } = capture();
    logger.warn('debug-enabled');
    expect(lines[0]).toMatchObject({ level: 40, code: 'debug-enabled', msg: 'auth warning' });
  });
});
