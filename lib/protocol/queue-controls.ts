import { z } from 'zod';
import { Id, IdParam, SerialIdParam } from './ids';
import { BudgetSettings, QueueSettingsPatch, StopTargets } from '../queue/settings';

/**
 * Bodies of the lead and admin queue controls (`/api/projects/:id/queue/**`,
 * `DELETE /api/projects/:id/leases/:leaseId`). The schema is the documentation
 * of the boundary; the service parses again for callers that are not HTTP.
 */
export const LeaseParams = z.object({ projectId: SerialIdParam, leaseId: IdParam });

/** A budget change: unset = unchanged, null = no limit. */
export const BudgetPatch = z.object({
  projectBudget: BudgetSettings.shape.projectBudget.unwrap().optional(),
  perAnnotatorBudget: BudgetSettings.shape.perAnnotatorBudget.unwrap().optional(),
}).strict().refine((v) => v.projectBudget !== undefined || v.perAnnotatorBudget !== undefined, { message: 'give projectBudget or perAnnotatorBudget (null: no limit)' });
export type BudgetPatch = z.input<typeof BudgetPatch>;

/**
 * `PATCH /api/projects/:id/queue`. `settings` (leads and admins) changes only the
 * fields given; `budget` and `stopping` are the admin's. `stopping` replaces the
 * targets as a whole (null removes them all).
 */
export const QueuePatch = z.object({
  settings: QueueSettingsPatch.optional(),
  budget: BudgetPatch.optional(),
  stopping: StopTargets.nullable().optional(),
}).strict().refine((v) => v.settings !== undefined || v.budget !== undefined || v.stopping !== undefined, {
  message: 'give settings, budget or stopping to change',
});
export type QueuePatch = z.input<typeof QueuePatch>;

export const ITEM_ACTIONS = ['pin', 'boost', 'exclude', 'clear', 'requeue'] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

/**
 * `POST /api/projects/:id/queue/items`: pin (deal next, to whoever asks first),
 * boost (ahead of the ranking's other items), exclude (never deal), clear (drop
 * the control), requeue (end the items' leases and pin them).
 */
export const ItemControlRequest = z.object({
  action: z.enum(ITEM_ACTIONS),
  itemIds: z.array(Id).min(1, 'name at least one item').max(1000, 'at most 1000 items at a time'),
}).strict();
export type ItemControlRequest = z.input<typeof ItemControlRequest>;

/** `POST /api/projects/:id/queue/resume`: `clearStop` (admins) also lifts a stop set by a target or the budget. */
export const ResumeRequest = z.object({ clearStop: z.boolean().default(false) }).strict();
export type ResumeRequest = z.input<typeof ResumeRequest>;

export const PauseRequest = z.object({}).strict();

export { resolveQueueConfig, type QueueConfig } from './project-settings';
