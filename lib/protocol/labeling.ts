import { z } from 'zod';
import { Id, IdParam, SerialId, SerialIdParam } from './ids';
import { StoredText } from './stored';
import { EditRecord } from '../tasks/edit';

/** HTTP bodies of the labeling API: the schema is the documentation of the boundary. */

export const ProjectParams = z.object({ projectId: SerialIdParam });
export const ItemParams = z.object({ itemId: IdParam });

export const ClaimRequest = z.object({
  /** How many items the browser wants to hold: the one on screen plus prefetched ones. */
  hold: z.number().int().min(1).max(8).default(2),
}).strict();

/**
 * A submitted answer. `answer` is the task type's payload (lib/tasks `Answer`; `task` may be
 * left out); `label` is classification's short form, `{ label }` meaning `{ answer: { label } }`.
 * Its shape is checked against the project's task when the service knows the project.
 */
export const SubmitLabel = z.object({
  leaseId: Id,
  itemId: Id,
  label: StoredText.min(1).max(200).optional(),
  answer: z.record(z.string(), z.unknown()).optional(),
  /** How the answer was reached from the prelabel on screen (lib/tasks `EditRecord`). */
  edit: EditRecord.optional(),
  /** A key the browser picks once per submit, so that a retry is not stored twice. */
  clientKey: StoredText.min(8).max(100),
}).strict().refine((v) => (v.label === undefined) !== (v.answer === undefined), {
  message: 'give either label (a class) or answer (the task\'s payload), not both or neither', path: ['answer'],
});
export type SubmitLabel = z.infer<typeof SubmitLabel>;

export const SkipRequest = z.object({ leaseId: Id }).strict();

/** Ends the caller's active leases in the project, except the listed lease ids (the page closed, or keeps only what it shows). */
export const ReleaseRequest = z.object({
  except: z.array(Id).max(100).default([]),
}).strict();

export const SubscribeEvent = z.object({ projectId: SerialId }).strict();
