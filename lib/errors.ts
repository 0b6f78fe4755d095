import type { ZodError } from 'zod';

/**
 * One error shape across HTTP, sockets, the worker protocol and the CLI:
 * `{ error: { code, message } }`. The code is stable (clients switch on it);
 * the message says what was wrong and, where there is one, what to do.
 */
export type ErrorCode =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'lease_expired'
  | 'too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  lease_expired: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export class TandemError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'TandemError';
  }
  get status(): number {
    return STATUS[this.code];
  }
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

export const isTandemError = (e: unknown): e is TandemError => e instanceof TandemError
  || (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'TandemError'
    && typeof (e as { code?: unknown }).code === 'string');

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

/** Turns a zod failure into one readable line: `field: problem; other: problem`. */
export function describeZodError(err: ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

export function badRequest(message: string): TandemError {
  return new TandemError('bad_request', message);
}

/** Parses input at a service boundary: a zod failure becomes a bad_request TandemError with the field and the problem. */
export function parseInput<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } }, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new TandemError('bad_request', `bad ${what}: ${describeZodError(r.error)}`);
  return r.data;
}

/**
 * Parses input from a form whose schema's messages are whole sentences for the person at it
 * ("Enter a name."): a failure is a bad_request carrying those sentences, without field paths.
 */
export function parseSentences<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } }, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new TandemError('bad_request', sentencesOf(r.error));
  return r.data;
}

/** A zod failure as the sentences of its first issues (a schema written with sentence messages). */
export function sentencesOf(err: ZodError): string {
  // One sentence per field (an empty email is not also "not an email address"), at most three.
  const byField = new Map<string, string>();
  for (const i of err.issues) if (!byField.has(i.path.join('.'))) byField.set(i.path.join('.'), sentence(i.message));
  return [...new Set(byField.values())].slice(0, 3).join(' ');
}

const sentence = (m: string) => (/[.!?]$/.test(m) ? m : `${m.charAt(0).toUpperCase()}${m.slice(1)}.`);
