'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { parseRoomEvent } from '@/lib/protocol/events';
import { badgeLine, type ModelStatus } from './status';

/** At most one status fetch per this many ms, however many labels and model events arrive. */
const MIN_GAP_MS = 2000;
/** A burst of events is answered once, this long after its first event. */
const SETTLE_MS = 300;
/** Heartbeats of a running job change its progress without an event: poll as well. */
const POLL_MS = 10_000;

interface Props {
  projectId: number;
  /** Labels before the first retrain (TANDEM_RETRAIN_EVERY), for the cold-start line. */
  retrainEvery: number;
  /** The task's name when Tandem's trainer trains no model for it (see badgeLine). */
  untrained?: string;
  /** The page's socket, already subscribed to the project's room; null while connecting. */
  socket: Socket | null;
  /** Where leads and admins read more (the model page); the badge is plain text for others. */
  href?: string;
}

/**
 * One line on the labeling page about the model behind the queue. It reads
 * the status off the labeling path: never per key press, throttled, and a
 * failed read keeps the last line (it is informational, labeling does not wait on it).
 */
export function ModelBadge({ projectId, retrainEvery, socket, href, untrained }: Props) {
  const [status, setStatus] = useState<ModelStatus | null>(null);
  const lastAt = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inFlight = useRef(false);

  const load = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    lastAt.current = Date.now();
    try {
      const res = await fetch(`/api/projects/${projectId}/model`, { cache: 'no-store' });
      if (res.ok) setStatus((await res.json()) as ModelStatus);
    } catch {
      // Keep the last known line: the next event or poll tries again.
    } finally {
      inFlight.current = false;
    }
  }, [projectId]);

  /** Coalesces events into one fetch, no sooner than MIN_GAP_MS after the last. */
  const schedule = useCallback(() => {
    if (timer.current) return;
    const wait = Math.max(SETTLE_MS, lastAt.current + MIN_GAP_MS - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      void load();
    }, wait);
  }, [load]);

  useEffect(() => {
    void load();
    const poll = setInterval(() => {
      if (!document.hidden) schedule();
    }, POLL_MS);
    return () => {
      clearInterval(poll);
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [load, schedule]);

  useEffect(() => {
    if (!socket) return;
    // An event of another project is ignored; one the page cannot read (a newer server) refreshes to be safe.
    const onEvent = (name: 'model' | 'progress') => (raw: unknown) => {
      const e = parseRoomEvent(name, raw);
      if (e === null || e.projectId === projectId) schedule();
    };
    const onModel = onEvent('model');
    const onProgress = onEvent('progress');
    socket.on('model', onModel);
    socket.on('progress', onProgress);
    // Events missed while disconnected: read once on (re)connect.
    socket.on('connect', schedule);
    return () => {
      socket.off('model', onModel);
      socket.off('progress', onProgress);
      socket.off('connect', schedule);
    };
  }, [projectId, schedule, socket]);

  if (!status) {
    return <p className="model-badge model-badge-info" data-testid="model-badge" data-state="loading">Model: …</p>;
  }
  const line = badgeLine(status, retrainEvery, untrained);
  return (
    <p className={`model-badge model-badge-${line.tone}`} data-testid="model-badge" data-state={line.kind} title={line.text}>
      <span className="model-badge-dot" aria-hidden="true" />
      {href ? <a href={href} data-testid="model-badge-link">{line.text}</a> : <span>{line.text}</span>}
    </p>
  );
}
