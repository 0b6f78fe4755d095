/**
 * Reading the packed pages the pool view is built from (`string_agg` of `float8send` /
 * `float4send` / `int4send`, and `json_agg`): one reader per byte string, and JSON as either
 * driver gives it (node-postgres parses json columns, PGlite may hand back the text).
 */

/** A reader of bytes written by Postgres's send functions, which are big-endian. */
export const bigEndian = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** A json column's value, parsed once whichever driver read it. */
export const jsonOf = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
