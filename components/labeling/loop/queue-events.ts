export const QUEUE_EVENTS = ['settings-changed', 'paused', 'resumed', 'stopped', 'controls-changed', 'lease-released', 'items-added'] as const;
export type QueueEventName = (typeof QUEUE_EVENTS)[number];

/** A `queue` socket event, checked: the page acts only on the events it knows. */
export interface QueueEvent {
  projectId: number;
  event: QueueEventName;
  userId: number | null;
  leaseId: number | null;
  message: string | null;
}

export function readQueueEvent(raw: unknown): QueueEvent | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.projectId !== 'number' || !QUEUE_EVENTS.includes(r.event as QueueEventName)) return null;
  return {
    projectId: r.projectId,
    event: r.event as QueueEventName,
    userId: typeof r.userId === 'number' ? r.userId : null,
    leaseId: typeof r.leaseId === 'number' ? r.leaseId : null,
    message: typeof r.message === 'string' ? r.message : null,
  };
}
