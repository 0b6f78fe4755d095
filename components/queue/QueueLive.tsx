'use client';

import { useRoomRefresh } from '../live/useRoomRefresh';

const EVENTS = ['queue', 'progress'] as const;

/**
 * Keeps the queue page current without a reload: re-renders it on the room's
 * `queue` events (settings, controls, pause, stop, releases) and `progress`
 * (labels end leases and spend the budget), at most every second; every 10 s
 * too, because claims send no event and the holds table should still move.
 */
export function QueueLive({ projectId }: { projectId: number }) {
  useRoomRefresh(projectId, { events: EVENTS, minGapMs: 1000, pollMs: 10_000 });
  return null;
}
