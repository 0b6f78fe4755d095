'use client';

import { useEffect, useRef } from 'react';
import { useRouter } from 'next/navigation';
import { io, type Socket } from 'socket.io-client';

const MIN_GAP_MS = 2000;
const POLL_MS = 10_000;

/**
 * Keeps a server-rendered page current: re-renders it (router.refresh, no
 * reload) when the project's room says a job was queued, a ranking applied or a label given,
 * at most every 2 s, and every 10 s while `poll` (a job is open: its progress
 * comes in heartbeats, which send no event).
 */
export function LiveRefresh({ projectId, poll }: { projectId: number; poll: boolean }) {
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
      }, Math.max(200, lastAt.current + MIN_GAP_MS - Date.now()));
    };
    const socket: Socket = io({ path: '/socket.io', transports: ['websocket'] });
    socket.on('connect', () => socket.emit('subscribe', { projectId }, () => {}));
    socket.on('model', refresh);
    // Labels change the staleness ("37 labels behind").
    socket.on('progress', refresh);
    const every = poll ? setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS) : undefined;
    return () => {
      socket.disconnect();
      if (every) clearInterval(every);
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [poll, projectId, router]);

  return null;
}
