import { z } from 'zod';
import { Id } from './ids';
import { StoredText } from './stored';

export const GUIDELINES_MAX_CHARS = 50_000;
export const EXAMPLES_PER_CLASS = 12;

/**
 * A project's labeling instructions: Markdown (rendered without raw HTML) and, per class, the
 * ids of items of the project that show it. Leads write them; every member reads them.
 */
export const GuidelinesUpdate = z.object({
  markdown: StoredText.max(GUIDELINES_MAX_CHARS, `The guidelines are at most ${GUIDELINES_MAX_CHARS.toLocaleString('en')} characters.`),
  examples: z.record(
    StoredText.min(1).max(100),
    z.array(Id, { error: 'Examples are item ids, such as 12, 40.' }).max(EXAMPLES_PER_CLASS, `At most ${EXAMPLES_PER_CLASS} examples per class.`),
  ).default({}),
}).strict();
export type GuidelinesUpdate = z.input<typeof GuidelinesUpdate>;

/** The guidelines as stored and shown. */
export interface Guidelines {
  markdown: string;
  examples: Record<string, number[]>;
  updatedAt: string;
}

/** "12, 40 41" → [12, 40, 41]; null when something in it is not an id. */
export function parseItemIds(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const ids = parts.map((p) => (/^[1-9][0-9]{0,15}$/.test(p) ? Number(p) : NaN));
  return ids.some((n) => !Number.isSafeInteger(n)) ? null : [...new Set(ids)];
}
