import { z } from 'zod';

/** HTTP bodies of the labeling API: the schema is the documentation of the boundary. */
const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const ProjectParams = z.object({ projectId: Id });
export const ItemParams = z.object({ itemId: Id });

export const ClaimRequest = z.object({
  /** How many items the browser wants to hold: the one on screen plus prefetched ones. */
  hold: z.number().int().min(1).max(8).default(2),
}).strict();

export const SubmitLabel = z.object({
  leaseId: Id,
  itemId: Id,
  label: z.string().min(1).max(200),
  /** A key the browser picks once per submit, so that a retry is not stored twice. */
  clientKey: z.string().min(8).max(100),
}).strict();
export type SubmitLabel = z.infer<typeof SubmitLabel>;

export const SkipRequest = z.object({ leaseId: Id }).strict();

/** Ends the caller's active leases in the project, except the listed lease ids (the page closed, or keeps only what it shows). */
export const ReleaseRequest = z.object({
  except: z.array(Id).max(100).default([]),
}).strict();

export const SubscribeEvent = z.object({ projectId: Id }).strict();
