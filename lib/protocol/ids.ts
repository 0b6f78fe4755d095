import { z } from 'zod';
import { INT4_MAX, isStorableText } from './stored';

/**
 * Ids at every boundary, in one place: a positive whole number in canonical
 * decimal that fits the column it names. Path and query ids arrive as text
 * and must be exactly the digits (`1`, not `1.0`, ` 1`, `0x10`, `1e0`, `+1`
 * or `01`, which `Number()` would all read as a valid id); JSON ids must be
 * JSON numbers (never `true` or `"1"`). An id past its column's range is a
 * 400 here rather than a 500 from Postgres.
 */

/** Ids of `serial` columns (users, projects, worker tokens, models): Postgres `integer`. */
export const SERIAL_MAX = INT4_MAX;
/** Ids of `bigserial` columns (items, leases, labels, jobs, rankings), read as JS numbers (`mode: 'number'`). */
export const BIGSERIAL_MAX = Number.MAX_SAFE_INTEGER;

export type IdKind = 'serial' | 'bigserial';
const MAX: Record<IdKind, number> = { serial: SERIAL_MAX, bigserial: BIGSERIAL_MAX };

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;
const DECIMAL_MESSAGE = 'must be a whole number in plain decimal digits (no sign, spaces, point, exponent or leading zeros)';

/** A whole number in [min, max] written as canonical decimal text (path and query parameters). */
export function decimalParam(min: number, max: number) {
  return z.string()
    .regex(DECIMAL, DECIMAL_MESSAGE)
    .refine((s) => Number(s) >= min && Number(s) <= max, `must be from ${min} to ${max}`)
    .transform(Number);
}

/** The number a canonical decimal id text names, or null (pages answer 404 for the rest). */
export function parseId(text: string, kind: IdKind = 'bigserial'): number | null {
  if (!DECIMAL.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= MAX[kind] ? n : null;
}

/**
 * A reference typed by a person (the CLI's `<project>`, `<model>`): digits are
 * an id, anything else a name. Null when it can name no row: an id past its
 * column, or a name holding what Postgres text cannot (NUL, a lone surrogate).
 */
export function idOrName(ref: string, kind: IdKind): { id: number } | { name: string } | null {
  if (/^[0-9]+$/.test(ref)) {
    const id = parseId(ref.replace(/^0+(?=.)/, ''), kind);
    return id === null ? null : { id };
  }
  return isStorableText(ref) ? { name: ref } : null;
}

/** An id in a JSON body or a socket event: a JSON number, whole, positive, within the column. */
export const Id = z.number().int().min(1, 'must be a positive id').max(BIGSERIAL_MAX);
export const SerialId = z.number().int().min(1, 'must be a positive id').max(SERIAL_MAX, `must be at most ${SERIAL_MAX}`);

/** An id in a path or query parameter. */
export const IdParam = decimalParam(1, BIGSERIAL_MAX);
export const SerialIdParam = decimalParam(1, SERIAL_MAX);

/** `?ids=1,2,3`: 1 to `max` distinct ids, each canonical decimal, separated by commas only. */
export function idListParam(max: number) {
  return z.string().max(max * 17).transform((v, ctx) => {
    const parts = v.split(',');
    const ids = parts.map((p) => parseId(p));
    const bad = ids.findIndex((x) => x === null);
    if (v === '' || parts.length > max || bad >= 0) {
      const which = bad >= 0 && v !== '' ? ` ("${parts[bad].slice(0, 20)}" is not one)` : '';
      ctx.addIssue({ code: 'custom', message: `ids must be 1 to ${max} item ids (positive whole numbers in plain decimal) separated by commas${which}` });
      return z.NEVER;
    }
    return [...new Set(ids as number[])];
  });
}
