'use client';

import { useEffect, useRef } from 'react';
import { useRouter } from 'next/navigation';
import { io, type Socket } from 'socket.io-client';
import { parseRoomEvent, type RoomEventName } from '@/lib/protocol/events';

export interface RoomRefreshOptions {
  /** Room events that make the page stale. */
  events: readonly RoomEventName[];
  /** At most one refresh per this many ms: a burst of labels costs one re-render. */
  minGapMs: number;
  /** Also refresh this often while the tab is visible (for changes that send no event); null: never. */
  pollMs: number | null;
}

/**
 * Keeps a server-rendered page current without a reload: joins the project's
 * socket.io room and calls router.refresh() on the given events, throttled.
 */
export function useRoomRefresh(projectId: number, { events, minGapMs, pollMs }: RoomRefreshOptions): void {
  const router = useRouter();
  const lastAt = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const eventKey = events.join(',');

  useEffect(() => {
    const refresh = () => {
      if (timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        lastAt.current = Date.now();
        router.refresh();
      }, Math.max(100, lastAt.current + minGapMs - Date.now()));
    };
    const socket: Socket = io({ path: '/socket.io', transports: ['websocket'] });
    socket.on('connect', () => socket.emit('subscribe', { projectId }, () => {}));
    // Another project's event is ignored; one the page cannot read (a newer server) refreshes to be safe.
    for (const name of eventKey.split(',') as RoomEventName[]) {
      socket.on(name, (raw: unknown) => {
        const e = parseRoomEvent(name, raw);
        if (e === null || e.projectId === projectId) refresh();
      });
    }
    // Removed from the project or logged out elsewhere: the server's render says so (a 404, the login page).
    socket.on('revoked', () => router.refresh());
    const every = pollMs !== null ? setInterval(() => { if (!document.hidden) refresh(); }, pollMs) : undefined;
    return () => {
      socket.disconnect();
      if (every) clearInterval(every);
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [eventKey, minGapMs, pollMs, projectId, router]);
}
