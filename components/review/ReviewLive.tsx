'use client';

import { useRoomRefresh } from '../live/useRoomRefresh';

const EVENTS = ['progress', 'agreement', 'flag'] as const;

/** Keeps the review list current as answers arrive, agreement is recomputed and annotators flag items (room events), at most every 2 s. */
export function ReviewLive({ projectId }: { projectId: number }) {
  useRoomRefresh(projectId, { events: EVENTS, minGapMs: 2000, pollMs: 30_000 });
  return null;
}
