import { z } from 'zod';

/**
 * How an answer was reached from the prelabel the editor started from: what the annotator
 * changed, so "how good are our prelabels" can be read off the stored answers. Measured by
 * the editor; the server stores it with the answer.
 */
export const EditRecord = z.object({
  prelabel: z.enum(['model', 'import', 'none']),
  /** Seconds from the item being shown to the submit. */
  seconds: z.number().min(0).max(86_400),
  /** Points (or box corners) the annotator moved away from the prelabel. */
  pointsMoved: z.number().int().min(0).max(100_000).default(0),
  /** Mean distance, in image pixels, of the moved points from where the prelabel put them. */
  meanShiftPx: z.number().min(0).max(1e6).default(0),
  /** Objects (boxes, skeletons) the annotator added or deleted. */
  added: z.number().int().min(0).max(100_000).default(0),
  deleted: z.number().int().min(0).max(100_000).default(0),
  /** The answer is the model's suggestion as it was shown (a class suggestion taken with Enter or its button). */
  accepted: z.boolean().optional(),
  /** The class the model suggested (classification), so agreement with the model can be counted from the answers. */
  suggested: z.string().min(1).max(200).optional(),
}).strict();
export type EditRecord = z.infer<typeof EditRecord>;
