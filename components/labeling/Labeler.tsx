'use client';

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { ApiError, call, mediaUrl, sendRelease, type ClaimAnswer, type HeldItem, type LabelAnswer, type ProgressCounts, type QueueState } from './api';
import { loadOutbox, newClientKey, saveOutbox, type PendingLabel } from './outbox';
import { createSerial, mergeClaim } from './held';
import { ClassButtons } from './ClassButtons';
import { ProgressBar } from './ProgressBar';
import { QueueEmpty, QueueEnding } from './QueueNotice';
import { StreamTag } from './StreamTag';
import { ModelBadge } from '../model/ModelBadge';

interface Props {
  projectId: number;
  /** The annotator, to tell a lead's release of their own lease from a teammate's. */
  userId: number;
  projectName: string;
  classes: string[];
  /** [key, class] pairs, from lib/keys.ts on the server. */
  keys: [string, string][];
  /** Labels before the first retrain, for the model badge's cold-start line. */
  retrainEvery: number;
  /** The model page, for leads and admins. */
  modelHref?: string;
}

/** Items the page keeps leased: the one on screen plus prefetched ones, decoded and ready. */
const HOLD = 5;
/**
 * Claim when fewer than this are ready: about four items every four labels keeps an image
 * decoded ahead with few claims (a claim costs the server more than a label).
 */
const REFILL_BELOW = 2;
/** The server's cap on held items (lib/protocol/labeling.ts ClaimRequest). */
const MAX_HOLD = 8;
const RETRY_MS = [500, 1000, 2000, 4000, 8000];
/** Leases last TANDEM_LEASE_SECONDS (600 by default): an open page renews what it holds this often. */
const HEARTBEAT_MS = 30_000;
const QUEUE_EVENTS = ['settings-changed', 'paused', 'resumed', 'stopped', 'controls-changed', 'lease-released'] as const;
type QueueEventName = (typeof QUEUE_EVENTS)[number];
const OPEN: QueueState = { state: 'open', message: null };

/** Items to hold once the labels still to send are committed: HOLD on the page, plus theirs until then. */
const holdFor = (pendingAfter: number) => Math.min(HOLD + Math.max(pendingAfter, 0), MAX_HOLD);

declare global {
  interface Window {
    /**
     * Latency samples read by bench/label.ts: key press → next image painted, label → commit
     * acknowledged (round trip), and the server's own time for the commit (Server-Timing).
     */
    __tandem?: { shownMs: number[]; commitMs: number[]; serverMs: number[]; queuedMs: number[]; waitMs: number[]; madeToAckMs: number[] };
  }
}

export function Labeler({ projectId, userId, projectName, classes, keys, retrainEvery, modelHref }: Props) {
  const [queue, setQueue] = useState<HeldItem[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [progress, setProgress] = useState<ProgressCounts | null>(null);
  const [pendingCount, setPendingCount] = useState(0);
  const [notice, setNotice] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);
  const [lastLabel, setLastLabel] = useState<{ itemId: number; label: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [socket, setSocket] = useState<Socket | null>(null);
  const [queueState, setQueueState] = useState<QueueState>(OPEN);
  /** A lead's change is being applied: the prefetched items went back and new ones are on their way. */
  const [refilling, setRefilling] = useState(false);
  /** Subscribed to the project's room: queue events reach this page (tests wait for it). */
  const [live, setLive] = useState(false);

  const queueRef = useRef<HeldItem[]>([]);
  const outbox = useRef<PendingLabel[]>([]);
  /** Client keys of labels loaded from storage at start (made by an earlier page). */
  const restored = useRef<Set<string>>(new Set());
  const flushing = useRef(false);
  const claiming = useRef<Promise<void> | null>(null);
  const reshuffling = useRef<Promise<void> | null>(null);
  const reshuffleAgain = useRef(false);
  const lastClaimAt = useRef(0);
  /** When this page last released its own leases: the server announces that release to the room too. */
  const ownReleaseAt = useRef(0);
  const keyDownAt = useRef<number | null>(null);
  /** When each label of this page was made, by client key: for the label → acknowledgement figure. */
  const madeAt = useRef(new Map<string, number>());
  const [serial] = useState(createSerial);
  const topUpRef = useRef<() => Promise<void>>(async () => {});
  const reshuffleRef = useRef<() => void>(() => {});
  const keyMap = useMemo(() => new Map(keys), [keys]);

  const setQueueBoth = useCallback((q: HeldItem[]) => {
    queueRef.current = q;
    setQueue(q);
  }, []);

  const refreshProgress = useCallback(async () => {
    try {
      setProgress(await call<ProgressCounts>('GET', `/api/projects/${projectId}/progress`));
    } catch {
      // Progress is informational; the next label or socket event refreshes it.
    }
  }, [projectId]);

  /** Leases the page keeps through a release: labels on their way (held until committed) and items handed back by undo. */
  const keptLeaseIds = useCallback(() => [
    ...outbox.current.map((p) => p.leaseId),
    ...queueRef.current.filter((q) => q.stream === 'redo').map((q) => q.leaseId),
  ], []);

  /** Takes in a claim's answer, from the claim route or a label's refill. */
  const applyClaim = useCallback((answer: ClaimAnswer) => {
    const next = mergeClaim(queueRef.current, answer.leases, new Set(outbox.current.map((p) => p.leaseId)));
    setQueueBoth(next);
    for (const item of next) preload(item.itemId);
    // A server without the team queue says nothing about its state: it deals while it has items.
    setQueueState(answer.queue ?? OPEN);
    lastClaimAt.current = Date.now();
  }, [setQueueBoth]);

  /**
   * A claim on its own: at start, as the heartbeat, after a skip, or when a
   * label brought no refill. Its hold also renews every lease the page holds.
   */
  const topUp = useCallback(() => {
    if (claiming.current) return claiming.current;
    claiming.current = serial(async () => {
      applyClaim(await call<ClaimAnswer>('POST', `/api/projects/${projectId}/leases`, { hold: holdFor(outbox.current.length) }));
    }).catch((e: Error) => {
      setNotice({ kind: 'error', text: `Could not fetch items: ${e.message}. Retrying…` });
      setTimeout(() => { void topUpRef.current(); }, 3000);
    }).finally(() => {
      claiming.current = null;
      setLoaded(true);
    });
    return claiming.current;
  }, [applyClaim, projectId, serial]);
  topUpRef.current = topUp;

  /**
   * A lead changed the queue (settings, controls, pause, a release): hand back
   * the prefetched items and claim again, so the change shows in the very next
   * item. The item on screen stays; so do leases of labels on their way.
   */
  const reshuffle = useCallback(() => {
    if (reshuffling.current) {
      reshuffleAgain.current = true;
      return;
    }
    setRefilling(true);
    reshuffling.current = serial(async () => {
      const onScreen = queueRef.current[0];
      // Dropped here first, so the annotator cannot move on to an item that is being handed back.
      setQueueBoth(onScreen ? [onScreen] : []);
      const except = [...new Set([...(onScreen ? [onScreen.leaseId] : []), ...keptLeaseIds()])];
      try {
        ownReleaseAt.current = Date.now();
        await call('POST', `/api/projects/${projectId}/leases/release`, { except });
        ownReleaseAt.current = Date.now();
      } catch {
        // Not released (network, an older server): the claim below renews them and they come back in order.
      }
      applyClaim(await call<ClaimAnswer>('POST', `/api/projects/${projectId}/leases`, { hold: holdFor(outbox.current.length) }));
    }).catch((e: Error) => {
      setNotice({ kind: 'error', text: `Could not follow the queue's change: ${e.message}. Retrying…` });
      setTimeout(() => { void topUpRef.current(); }, 3000);
    }).finally(() => {
      reshuffling.current = null;
      setRefilling(false);
      setLoaded(true);
      if (reshuffleAgain.current) {
        reshuffleAgain.current = false;
        reshuffleRef.current();
      }
    });
  }, [applyClaim, keptLeaseIds, projectId, serial, setQueueBoth]);
  reshuffleRef.current = reshuffle;

  /** Sends queued labels in order; a label leaves the outbox only once the server said it is committed. */
  const flush = useCallback(async () => {
    if (flushing.current) return;
    flushing.current = true;
    let attempt = 0;
    let restoredCommitted = false;
    try {
      while (outbox.current.length > 0) {
        const p = outbox.current[0];
        const t0 = performance.now();
        let refill: ClaimAnswer | null | undefined;
        try {
          // A label is a bare commit, and the refill claim goes between labels (see below): on PGlite a label
          // waited behind a claim in flight beside it. Only when nothing is left to show does the label carry
          // the refill (`hold`): the annotator waits for the next item either way, and one request beats two.
          const hold = queueRef.current.length === 0 ? holdFor(outbox.current.length - 1) : undefined;
          const answer = await serial(() => call<LabelAnswer>('POST', `/api/projects/${projectId}/labels`, {
            leaseId: p.leaseId, itemId: p.itemId, label: p.label, clientKey: p.clientKey, hold,
          }));
          recordCommit(performance.now() - t0, `/api/projects/${projectId}/labels`, madeAt.current.get(p.clientKey));
          madeAt.current.delete(p.clientKey);
          refill = answer.refill;
          if (restored.current.has(p.clientKey)) restoredCommitted = true;
          attempt = 0;
          setNotice((n) => (n?.kind === 'error' && n.text.startsWith('Saving') ? null : n));
        } catch (e) {
          const err = e as ApiError;
          if (err.retry) {
            setNotice({ kind: 'error', text: `Saving ${outbox.current.length} label(s) failed (${err.message}); retrying — keep this tab open.` });
            // No refill comes while labels fail: claim on its own so the next items are still there.
            if (queueRef.current.length < REFILL_BELOW) void topUpRef.current();
            await sleep(RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
            continue;
          }
          // The server refused this label for good (e.g. the item went to someone else): say so, do not hide it.
          setNotice({ kind: 'error', text: `Label "${p.label}" for item ${p.itemId} was not stored: ${err.message}` });
        }
        outbox.current = outbox.current.slice(1);
        saveOutbox(projectId, outbox.current);
        setPendingCount(outbox.current.length);
        if (refill) applyClaim(refill);
        // Running low: claim now, before the next label goes (lease requests run one at a time, in order).
        else if (queueRef.current.length < REFILL_BELOW) void topUpRef.current();
      }
    } finally {
      flushing.current = false;
    }
    // Labels a previous page left behind were not counted here: ask the server for the counts.
    if (restoredCommitted) void refreshProgress();
  }, [applyClaim, projectId, refreshProgress, serial]);

  const label = useCallback((cls: string) => {
    const current = queueRef.current[0];
    if (!current || busy) return;
    const pending: PendingLabel = { clientKey: newClientKey(), projectId, leaseId: current.leaseId, itemId: current.itemId, label: cls, at: Date.now() };
    madeAt.current.set(pending.clientKey, keyDownAt.current ?? performance.now());
    outbox.current = [...outbox.current, pending];
    saveOutbox(projectId, outbox.current);
    setPendingCount(outbox.current.length);
    setLastLabel({ itemId: current.itemId, label: cls });
    setProgress((p) => (p ? { ...p, mine: p.mine + 1, labeled: p.labeled + 1 } : p));
    setQueueBoth(queueRef.current.slice(1));
    // The label brings back the refill (see flush).
    void flush();
  }, [busy, flush, projectId, setQueueBoth]);

  const skip = useCallback(async () => {
    const current = queueRef.current[0];
    if (!current || busy) return;
    setQueueBoth(queueRef.current.slice(1));
    try {
      await serial(() => call('POST', `/api/projects/${projectId}/leases/skip`, { leaseId: current.leaseId }));
    } catch (e) {
      setNotice({ kind: 'error', text: `Skip failed: ${(e as Error).message}` });
    }
    void topUp();
  }, [busy, projectId, serial, setQueueBoth, topUp]);

  const undo = useCallback(async () => {
    if (busy) return;
    setBusy(true);
    try {
      await flush(); // the label to take back must be on the server first
      for (let waited = 0; outbox.current.length > 0; waited += 100) {
        if (waited > 15_000) throw new Error('labels are still waiting to be saved; try again when they are');
        await sleep(100);
      }
      const { lease } = await serial(() => call<{ lease: HeldItem }>('POST', `/api/projects/${projectId}/labels/undo`, {}));
      preload(lease.itemId);
      setQueueBoth([lease, ...queueRef.current.filter((q) => q.leaseId !== lease.leaseId)]);
      setLastLabel(null);
      setNotice({ kind: 'info', text: `Undone: item ${lease.itemId} is back for you.` });
      await refreshProgress();
    } catch (e) {
      setNotice({ kind: 'error', text: `Undo failed: ${(e as Error).message}` });
    } finally {
      setBusy(false);
    }
  }, [busy, flush, projectId, refreshProgress, serial, setQueueBoth]);

  // Start: resend what a previous page left unsent, then claim.
  useEffect(() => {
    outbox.current = loadOutbox(projectId);
    restored.current = new Set(outbox.current.map((p) => p.clientKey));
    setPendingCount(outbox.current.length);
    void flush();
    void topUp();
    void refreshProgress();
    // Heartbeat: labels' refills renew the leases too, so an idle page is the one that claims here.
    const beat = setInterval(() => {
      if (Date.now() - lastClaimAt.current >= HEARTBEAT_MS - 1000 && !flushing.current) void topUpRef.current();
    }, HEARTBEAT_MS / 3);
    // A closed tab hands its items back at once instead of holding them until the leases expire.
    const release = () => sendRelease(`/api/projects/${projectId}/leases/release`, { except: keptLeaseIds() });
    const back = (e: PageTransitionEvent) => { if (e.persisted) void topUpRef.current(); };
    window.addEventListener('pagehide', release);
    window.addEventListener('pageshow', back);
    return () => {
      clearInterval(beat);
      window.removeEventListener('pagehide', release);
      window.removeEventListener('pageshow', back);
    };
  }, [flush, keptLeaseIds, projectId, refreshProgress, topUp]);

  // Live counts from everyone's labels (the model badge listens on the same socket).
  useEffect(() => {
    const socket: Socket = io({ path: '/socket.io', transports: ['websocket'] });
    setSocket(socket);
    let connectedBefore = false;
    socket.on('connect', () => {
      socket.emit('subscribe', { projectId }, (ack: { ok?: boolean } | undefined) => setLive(ack?.ok === true));
      // Back after a drop: queue events may have been missed meanwhile.
      if (connectedBefore) reshuffleRef.current();
      connectedBefore = true;
    });
    socket.on('progress', (p: { labeled: number; items: number }) => {
      setProgress((old) => (old ? { ...old, labeled: p.labeled, total: p.items } : old));
    });
    // A lead's release names the lease; the echo of this page's own release (it names none) is not followed.
    const releasedByOther = (e: QueueEvent) => e.userId === userId && (e.leaseId !== null
      ? queueRef.current.some((q) => q.leaseId === e.leaseId)
      : reshuffling.current === null && Date.now() - ownReleaseAt.current > 3000);
    // The team queue changed under this page: follow it in the very next item.
    socket.on('queue', (raw: unknown) => {
      const e = readQueueEvent(raw);
      if (!e || e.projectId !== projectId) return;
      if (e.event === 'lease-released' && !releasedByOther(e)) return;
      if ((e.event === 'paused' || e.event === 'stopped') && queueRef.current.length > 0) {
        // Shown at once as a banner; the claim after the release confirms it with the server's message.
        setQueueState({ state: e.event, message: e.message });
      }
      reshuffleRef.current();
    });
    socket.on('disconnect', () => setLive(false));
    // Removed from the project: no more live events; the next claim says why.
    socket.on('revoked', () => setLive(false));
    return () => { socket.disconnect(); setSocket(null); setLive(false); };
  }, [projectId, userId]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
      if (e.key === 'Backspace' || ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z')) {
        e.preventDefault();
        void undo();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const k = e.key.toLowerCase();
      if (k === 's') {
        e.preventDefault();
        void skip();
        return;
      }
      const cls = keyMap.get(k);
      if (cls !== undefined) {
        e.preventDefault();
        keyDownAt.current = performance.now();
        label(cls);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [keyMap, label, skip, undo]);

  const current = queue[0];

  // Key press → next image on screen, measured after the browser has painted it.
  useLayoutEffect(() => {
    const t0 = keyDownAt.current;
    if (t0 === null) return;
    keyDownAt.current = null;
    requestAnimationFrame(() => recordShown(performance.now() - t0));
  }, [current?.leaseId]);

  return (
    <div className="labeler" data-testid="labeler" data-live={live}>
      <header className="labeler-head">
        <div>
          <h1>{projectName}</h1>
          <ModelBadge projectId={projectId} retrainEvery={retrainEvery} socket={socket} href={modelHref} />
        </div>
        <ProgressBar progress={progress} pending={pendingCount} />
      </header>
      {current && <QueueEnding queue={queueState} />}
      {notice && (
        <p className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          {notice.text} <button type="button" className="link" onClick={() => setNotice(null)}>dismiss</button>
        </p>
      )}
      <div className="stage">
        {!loaded && <p className="empty">Loading your first item…</p>}
        {loaded && !current && (refilling || pendingCount > 0) && <p className="empty" data-testid="queue-loading">Loading the next item…</p>}
        {loaded && !current && !refilling && pendingCount === 0 && <QueueEmpty queue={queueState} />}
        {queue.map((item, i) => (
          // Prefetched items are rendered hidden so their pixels are decoded before they are needed.
          // eslint-disable-next-line @next/next/no-img-element
          <img
            key={item.leaseId}
            src={mediaUrl(item.itemId)}
            alt={i === 0 ? `item ${item.itemId}` : ''}
            data-testid={i === 0 ? 'current-item' : undefined}
            data-item-id={item.itemId}
            data-stream={item.stream}
            className={`item-image${i === 0 ? '' : ' prefetched'}`}
            draggable={false}
          />
        ))}
      </div>
      <ClassButtons classes={classes} keys={keys} disabled={!current || busy} onPick={label} />
      <footer className="labeler-foot">
        <button type="button" onClick={() => void undo()} disabled={busy || (progress?.mine ?? 0) === 0} title="Backspace or Ctrl+Z">Undo <kbd>⌫</kbd></button>
        <button type="button" onClick={() => void skip()} disabled={!current || busy} title="S">Skip <kbd>S</kbd></button>
        {lastLabel && <span className="muted">last: item {lastLabel.itemId} → <b>{lastLabel.label}</b></span>}
        {current && <span className="muted">item {current.itemId}{current.width ? ` · ${current.width}×${current.height}` : ''}</span>}
        {current && <StreamTag stream={current.stream} />}
      </footer>
    </div>
  );
}

function preload(itemId: number): void {
  const img = new Image();
  img.src = mediaUrl(itemId);
  void img.decode?.().catch(() => {});
}

/** A `queue` socket event, checked: the page acts only on the events it knows. */
interface QueueEvent {
  projectId: number;
  event: QueueEventName;
  userId: number | null;
  leaseId: number | null;
  message: string | null;
}

function readQueueEvent(raw: unknown): QueueEvent | null {
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

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function metrics() {
  window.__tandem ??= { shownMs: [], commitMs: [], serverMs: [], queuedMs: [], waitMs: [], madeToAckMs: [] };
  return window.__tandem;
}

function recordShown(ms: number): void {
  metrics().shownMs.push(ms);
}

function recordCommit(ms: number, path: string, madeAt?: number): void {
  const m = metrics();
  const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  const last = entries.filter((e) => e.name.endsWith(path)).pop();
  // The request's own time on the wire (send → last byte of the acknowledgement), not the wait
  // for this page's busy main thread to run the continuation; the latter when there is no entry.
  m.commitMs.push(last ? last.duration : ms);
  // Key press → acknowledgement received: adds the wait in the outbox behind earlier labels (one is sent at a time).
  if (madeAt !== undefined) m.madeToAckMs.push((last ? last.responseEnd : performance.now()) - madeAt);
  if (last && last.requestStart > 0) {
    // Where the time goes: queued in the browser before the request went out, then sent → first byte back.
    m.queuedMs.push(last.requestStart - last.startTime);
    m.waitMs.push(last.responseStart - last.requestStart);
  }
  const app = last?.serverTiming?.find((t) => t.name === 'app');
  if (app) m.serverMs.push(app.duration);
  // Keep the buffer from filling up over a long session (it stops recording at 250 entries).
  if (entries.length > 200) performance.clearResourceTimings();
}
