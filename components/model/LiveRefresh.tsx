'use client';

import { useRoomRefresh } from '../live/useRoomRefresh';

// Labels change the staleness ("37 labels behind"), hence `progress`.
const EVENTS = ['model', 'progress'] as const;

/**
 * Keeps a server-rendered page current: re-renders it when the project's room
 * says a job was queued, made progress or had its ranking applied, or a label
 * was given, at most every 2 s; and every 10 s while `poll` (a job is open: a
 * trainer without the worker socket says its progress only in heartbeats).
 */
export function LiveRefresh({ projectId, poll }: { projectId: number; poll: boolean }) {
  useRoomRefresh(projectId, { events: EVENTS, minGapMs: 2000, pollMs: poll ? 10_000 : null });
  return null;
}
