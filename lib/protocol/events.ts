import { z } from 'zod';
import { ITEM_ACTIONS } from './queue-controls';

/**
 * What the server tells a project's open pages over socket.io, as one schema per event name.
 * The server emits only values of these types; pages parse what arrives with `parseRoomEvent`
 * instead of trusting its shape.
 */

const Count = z.number().int().nonnegative();
const ProjectId = z.number().int().positive();

export const QueueEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('settings-changed'), changed: z.array(z.enum(['settings', 'budget', 'stopping'])) }),
  z.object({ event: z.literal('paused') }),
  z.object({ event: z.literal('resumed'), clearedStop: z.boolean() }),
  z.object({ event: z.literal('stopped'), reason: z.string(), message: z.string() }),
  z.object({ event: z.literal('controls-changed'), action: z.enum(ITEM_ACTIONS), itemIds: z.array(z.number().int()) }),
  z.object({ event: z.literal('lease-released'), userId: z.number().int(), leaseId: z.number().int(), itemId: z.number().int() }),
  z.object({ event: z.literal('items-added'), added: Count }),
]);
export type QueueEvent = z.infer<typeof QueueEvent>;

export const JobProgress = z.object({ phase: z.string(), done: Count, total: Count });
export type JobProgress = z.infer<typeof JobProgress>;

export const ModelEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('job-queued') }),
  z.object({ event: z.literal('job-progress'), jobId: z.number().int(), progress: JobProgress }),
  z.object({ event: z.literal('job-failed') }),
  z.object({ event: z.literal('job-requeued') }),
  z.object({ event: z.literal('ranking-applied'), rankingId: z.number().int() }),
]);
export type ModelEvent = z.infer<typeof ModelEvent>;

/** The room's label counts (server/realtime/progress-counts.ts). */
export const ProgressEvent = z.looseObject({ labeled: Count, items: Count });
export type ProgressEvent = z.infer<typeof ProgressEvent>;

export const RevokedEvent = z.discriminatedUnion('reason', [
  z.object({ reason: z.literal('session-ended') }),
  z.object({ reason: z.literal('project-lost'), projectId: ProjectId }),
]);

/**
 * A lead decided an item, or a consensus settled it. It names the annotators whose answers the
 * item had and nothing of the answers: each of them asks for their own outcome, and nobody else
 * in the room learns an answer they have not given yet.
 */
export const ReviewEvent = z.object({
  event: z.enum(['decided', 'settled']),
  itemId: z.number().int().positive(),
  annotators: z.array(z.number().int().positive()).max(1000),
});
export type ReviewEvent = z.infer<typeof ReviewEvent>;

/** Event name → the payload schema; every room event carries the project's id. */
export const ROOM_EVENTS = {
  queue: QueueEvent,
  model: ModelEvent,
  progress: ProgressEvent,
  review: ReviewEvent,
  agreement: z.object({ snapshotId: z.number().int().positive() }),
  flag: z.object({ itemId: z.number().int().positive() }),
} as const;
export type RoomEventName = keyof typeof ROOM_EVENTS;
export type RoomEvent<N extends RoomEventName> = z.infer<(typeof ROOM_EVENTS)[N]> & { projectId: number };

/** A room event as a page received it, or null when it is not one (a newer server, a bug): pages then refresh instead. */
export function parseRoomEvent<N extends RoomEventName>(name: N, raw: unknown): RoomEvent<N> | null {
  const withId = z.object({ projectId: ProjectId }).safeParse(raw);
  const body = ROOM_EVENTS[name].safeParse(raw);
  return withId.success && body.success ? ({ ...(body.data as object), projectId: withId.data.projectId } as RoomEvent<N>) : null;
}
