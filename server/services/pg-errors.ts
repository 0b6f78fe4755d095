/** The SQLSTATE of a Postgres error, looking through drizzle's wrapping `cause`. */
export function pgErrorCode(e: unknown): string | undefined {
  for (let c: unknown = e; c; c = (c as { cause?: unknown }).cause) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

export const isUniqueViolation = (e: unknown) => pgErrorCode(e) === '23505';
export const isForeignKeyViolation = (e: unknown) => pgErrorCode(e) === '23503';

/** A deadlock or a serialization failure: the transaction did nothing and may simply run again. */
export const isRetryableConflict = (e: unknown) => {
  const code = pgErrorCode(e);
  return code === '40P01' || code === '40001';
};
