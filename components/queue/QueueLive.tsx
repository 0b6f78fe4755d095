'use client';

import { useEffect, useRef } from 'react';
import { useRouter } from 'next/navigation';
import { io, type Socket } from 'socket.io-client';

const MIN_GAP_MS = 1000;
const POLL_MS = 10_000;

/**
 * Keeps the queue page current without a reload: re-renders it on the room's
 * `queue` events (settings, controls, pause, stop, releases) and `progress`
 * (labels end leases and spend the budget), at most every second; every 10 s
 * too, because claims send no event and the holds table should still move.
 */
export function QueueLive({ projectId }: { projectId: number }) {
  const router = useRouter();
  const lastAt = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    const refresh = () => {
      if (timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        lastAt.current = Date.now();
        router.refresh();
      }, Math.max(100, lastAt.current + MIN_GAP_MS - Date.now()));
    };
    const socket: Socket = io({ path: '/socket.io', transports: ['websocket'] });
    socket.on('connect', () => socket.emit('subscribe', { projectId }, () => {}));
    socket.on('queue', refresh);
    socket.on('progress', refresh);
    const every = setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
    return () => {
      socket.disconnect();
      clearInterval(every);
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [projectId, router]);

  return null;
}
