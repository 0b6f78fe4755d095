import { z } from 'zod';
import { decimalParam, Id } from './ids';
import { StoredText } from './stored';

/**
 * A lead's decision on an item: accept one of its standing answers (`from`: an annotator's, or the
 * consensus), or give another answer (`answer`: the task's payload, or `label` for a class). A new
 * answer needs a reason; accepting one may leave it out (the server writes what was accepted).
 */
export const Decision = z.object({
  from: Id.optional(),
  label: StoredText.min(1).max(200).optional(),
  answer: z.record(z.string(), z.unknown()).optional(),
  reason: StoredText.trim().max(500, 'a reason is at most 500 characters').optional(),
}).strict().superRefine((v, ctx) => {
  const given = [v.from, v.label, v.answer].filter((x) => x !== undefined).length;
  if (given !== 1) ctx.addIssue({ code: 'custom', path: ['from'], message: 'give one of: from (an answer to accept), label (a class) or answer (a new answer)' });
  else if (v.from === undefined && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'say why you give a different answer (reason)' });
});
export type Decision = z.infer<typeof Decision>;

/** The lead's review list, a page at a time (items in priority order). */
export const ReviewQuery = z.object({
  limit: decimalParam(1, 50).default(20),
}).strict();

/** Send an annotator's most recent answers back to the review list. */
export const SendBack = z.object({
  userId: Id,
  count: z.number().int().min(1).max(500).default(20),
  note: StoredText.trim().max(500).optional(),
}).strict();
export type SendBack = z.infer<typeof SendBack>;
