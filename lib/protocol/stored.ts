import { z } from 'zod';

/**
 * Values that are valid JSON or JavaScript but that Postgres refuses, so a
 * boundary must refuse them first (a 400 naming the field, not a 500):
 * - text and jsonb hold no NUL (U+0000), and jsonb refuses a lone UTF-16
 *   surrogate (`"\ud800"`), which text would silently turn into U+FFFD;
 * - `real` holds float4: past ±3.4e38 is out of range, and so is a nonzero
 *   value so small it rounds to 0 (1e-50);
 * - `integer` holds up to 2^31 − 1.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether Postgres text and jsonb can hold the string as it is. */
export function isStorableText(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

const STORABLE_TEXT_MESSAGE = 'must be text without NUL characters (\\u0000) or lone UTF-16 surrogates';

/** A string that reaches a text or jsonb column. Chain `.min`, `.max`, `.trim`, `.regex` on it as on z.string(). */
export const StoredText = z.string().refine(isStorableText, STORABLE_TEXT_MESSAGE);

/** Largest value of Postgres `integer`. */
export const INT4_MAX = 2_147_483_647;

/** A whole number stored in an `integer` column. */
export const Int4 = z.number().int().min(-INT4_MAX - 1).max(INT4_MAX, `must be at most ${INT4_MAX}`);

/**
 * A value whose nearest float4 is 0 is sent as 0: Postgres refuses such an
 * underflow instead of rounding it (it takes subnormals), and a trainer's tiny
 * score or confidence should not fail its whole upload.
 */
const underflowToZero = (x: number) => (Math.fround(x) === 0 ? 0 : x);

/** A number stored in a `real` column: finite and within float4 range. */
export const Real = z.number()
  .refine(Number.isFinite, 'must be a finite number')
  .refine((x) => Number.isFinite(Math.fround(x)), 'is out of float4 range (at most ±3.4e38)')
  .transform(underflowToZero);

/** A number in [0, 1] stored in a `real` column. */
export const RealUnit = z.number()
  .refine((x) => Number.isFinite(x) && x >= 0 && x <= 1, 'must be between 0 and 1')
  .transform(underflowToZero);
