'use client';

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { ApiError, call, mediaUrl, type HeldItem, type ProgressCounts } from './api';
import { loadOutbox, newClientKey, saveOutbox, type PendingLabel } from './outbox';
import { ClassButtons } from './ClassButtons';
import { ProgressBar } from './ProgressBar';
import { ModelBadge } from '../model/ModelBadge';

interface Props {
  projectId: number;
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
const HOLD = 3;
/** Claim again when fewer than this are ready: one claim every other label keeps one image decoded ahead. */
const REFILL_BELOW = 2;
/** The server's cap on held items (lib/protocol/labeling.ts ClaimRequest). */
const MAX_HOLD = 8;
const RETRY_MS = [500, 1000, 2000, 4000, 8000];
const RENEW_MS = 60_000;

declare global {
  interface Window {
    /**
     * Latency samples read by bench/label.ts: key press → next image painted, label → commit
     * acknowledged (round trip), and the server's own time for the commit (Server-Timing).
     */
    __tandem?: { shownMs: number[]; commitMs: number[]; serverMs: number[]; queuedMs: number[]; waitMs: number[] };
  }
}

export function Labeler({ projectId, projectName, classes, keys, retrainEvery, modelHref }: Props) {
  const [queue, setQueue] = useState<HeldItem[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [progress, setProgress] = useState<ProgressCounts | null>(null);
  const [pendingCount, setPendingCount] = useState(0);
  const [notice, setNotice] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);
  const [lastLabel, setLastLabel] = useState<{ itemId: number; label: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [socket, setSocket] = useState<Socket | null>(null);

  const queueRef = useRef<HeldItem[]>([]);
  const outbox = useRef<PendingLabel[]>([]);
  /** Client keys of labels loaded from storage at start (made by an earlier page). */
  const restored = useRef<Set<string>>(new Set());
  const flushing = useRef(false);
  const claiming = useRef<Promise<void> | null>(null);
  const keyDownAt = useRef<number | null>(null);
  const topUpRef = useRef<() => Promise<void>>(async () => {});
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

  /** Tops the queue up to HOLD items; leases of labels still in the outbox are not shown again. */
  const topUp = useCallback(() => {
    if (claiming.current) return claiming.current;
    claiming.current = (async () => {
      try {
        // Leases of labels still on their way count as held on the server until committed: ask for them too.
        const hold = Math.min(HOLD + outbox.current.length, MAX_HOLD);
        const { leases } = await call<{ leases: HeldItem[] }>('POST', `/api/projects/${projectId}/leases`, { hold });
        const sent = new Set(outbox.current.map((p) => p.leaseId));
        const have = new Set(queueRef.current.map((q) => q.leaseId));
        const fresh = leases.filter((l) => !sent.has(l.leaseId) && !have.has(l.leaseId));
        const stillHeld = new Set(leases.map((l) => l.leaseId));
        // Keep the on-screen order; drop what the server no longer says we hold (expired, taken back).
        const next = [...queueRef.current.filter((q) => stillHeld.has(q.leaseId)), ...fresh];
        setQueueBoth(next);
        for (const item of next) preload(item.itemId);
      } catch (e) {
        setNotice({ kind: 'error', text: `Could not fetch items: ${(e as Error).message}. Retrying…` });
        setTimeout(() => { void topUp(); }, 3000);
      } finally {
        claiming.current = null;
        setLoaded(true);
      }
    })();
    return claiming.current;
  }, [projectId, setQueueBoth]);
  topUpRef.current = topUp;

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
        try {
          await call('POST', `/api/projects/${projectId}/labels`, { leaseId: p.leaseId, itemId: p.itemId, label: p.label, clientKey: p.clientKey });
          recordCommit(performance.now() - t0, `/api/projects/${projectId}/labels`);
          if (restored.current.has(p.clientKey)) restoredCommitted = true;
          attempt = 0;
          // A committed label frees a place in what the server lets us hold: refill when running low.
          if (queueRef.current.length < REFILL_BELOW) void topUpRef.current();
          setNotice((n) => (n?.kind === 'error' && n.text.startsWith('Saving') ? null : n));
        } catch (e) {
          const err = e as ApiError;
          if (err.retry) {
            setNotice({ kind: 'error', text: `Saving ${outbox.current.length} label(s) failed (${err.message}); retrying — keep this tab open.` });
            await sleep(RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
            continue;
          }
          // The server refused this label for good (e.g. the item went to someone else): say so, do not hide it.
          setNotice({ kind: 'error', text: `Label "${p.label}" for item ${p.itemId} was not stored: ${err.message}` });
        }
        outbox.current = outbox.current.slice(1);
        saveOutbox(projectId, outbox.current);
        setPendingCount(outbox.current.length);
      }
    } finally {
      flushing.current = false;
    }
    // Labels a previous page left behind were not counted here: ask the server for the counts.
    if (restoredCommitted) void refreshProgress();
  }, [projectId, refreshProgress]);

  const label = useCallback((cls: string) => {
    const current = queueRef.current[0];
    if (!current || busy) return;
    const pending: PendingLabel = { clientKey: newClientKey(), projectId, leaseId: current.leaseId, itemId: current.itemId, label: cls, at: Date.now() };
    outbox.current = [...outbox.current, pending];
    saveOutbox(projectId, outbox.current);
    setPendingCount(outbox.current.length);
    setLastLabel({ itemId: current.itemId, label: cls });
    setProgress((p) => (p ? { ...p, mine: p.mine + 1, labeled: p.labeled + 1 } : p));
    setQueueBoth(queueRef.current.slice(1));
    void flush();
    if (queueRef.current.length < REFILL_BELOW) void topUp();
  }, [busy, flush, projectId, setQueueBoth, topUp]);

  const skip = useCallback(async () => {
    const current = queueRef.current[0];
    if (!current || busy) return;
    setQueueBoth(queueRef.current.slice(1));
    try {
      await call('POST', `/api/projects/${projectId}/leases/skip`, { leaseId: current.leaseId });
    } catch (e) {
      setNotice({ kind: 'error', text: `Skip failed: ${(e as Error).message}` });
    }
    void topUp();
  }, [busy, projectId, setQueueBoth, topUp]);

  const undo = useCallback(async () => {
    if (busy) return;
    setBusy(true);
    try {
      await flush(); // the label to take back must be on the server first
      for (let waited = 0; outbox.current.length > 0; waited += 100) {
        if (waited > 15_000) throw new Error('labels are still waiting to be saved; try again when they are');
        await sleep(100);
      }
      const { lease } = await call<{ lease: HeldItem }>('POST', `/api/projects/${projectId}/labels/undo`, {});
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
  }, [busy, flush, projectId, refreshProgress, setQueueBoth]);

  // Start: resend what a previous page left unsent, then claim.
  useEffect(() => {
    outbox.current = loadOutbox(projectId);
    restored.current = new Set(outbox.current.map((p) => p.clientKey));
    setPendingCount(outbox.current.length);
    void flush();
    void topUp();
    void refreshProgress();
    const renew = setInterval(() => { void topUp(); }, RENEW_MS);
    return () => clearInterval(renew);
  }, [flush, projectId, refreshProgress, topUp]);

  // Live counts from everyone's labels (the model badge listens on the same socket).
  useEffect(() => {
    const socket: Socket = io({ path: '/socket.io', transports: ['websocket'] });
    setSocket(socket);
    socket.on('connect', () => socket.emit('subscribe', { projectId }, () => {}));
    socket.on('progress', (p: { labeled: number; items: number }) => {
      setProgress((old) => (old ? { ...old, labeled: p.labeled, total: p.items } : old));
    });
    return () => { socket.disconnect(); setSocket(null); };
  }, [projectId]);

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
    <div className="labeler">
      <header className="labeler-head">
        <div>
          <h1>{projectName}</h1>
          <ModelBadge projectId={projectId} retrainEvery={retrainEvery} socket={socket} href={modelHref} />
        </div>
        <ProgressBar progress={progress} pending={pendingCount} />
      </header>
      {notice && (
        <p className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          {notice.text} <button type="button" className="link" onClick={() => setNotice(null)}>dismiss</button>
        </p>
      )}
      <div className="stage">
        {!loaded && <p className="empty">Loading your first item…</p>}
        {loaded && !current && (
          <div className="empty" data-testid="queue-empty">
            <h2>Nothing left for you to label here.</h2>
            <p>Every open item is labeled or held by a teammate. New items appear as they are imported or released.</p>
          </div>
        )}
        {queue.map((item, i) => (
          // Prefetched items are rendered hidden so their pixels are decoded before they are needed.
          // eslint-disable-next-line @next/next/no-img-element
          <img
            key={item.leaseId}
            src={mediaUrl(item.itemId)}
            alt={i === 0 ? `item ${item.itemId}` : ''}
            data-testid={i === 0 ? 'current-item' : undefined}
            data-item-id={item.itemId}
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
      </footer>
    </div>
  );
}

function preload(itemId: number): void {
  const img = new Image();
  img.src = mediaUrl(itemId);
  void img.decode?.().catch(() => {});
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function metrics() {
  window.__tandem ??= { shownMs: [], commitMs: [], serverMs: [], queuedMs: [], waitMs: [] };
  return window.__tandem;
}

function recordShown(ms: number): void {
  metrics().shownMs.push(ms);
}

function recordCommit(ms: number, path: string): void {
  const m = metrics();
  const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  const last = entries.filter((e) => e.name.endsWith(path)).pop();
  // The request's own time on the wire (send → last byte of the acknowledgement), not the wait
  // for this page's busy main thread to run the continuation; the latter when there is no entry.
  m.commitMs.push(last ? last.duration : ms);
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
