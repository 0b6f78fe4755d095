'use client';

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { EditRecord } from '@/lib/tasks/edit';
import type { FlagReason } from '@/lib/protocol/items';
import { ApiError, call, mediaUrl, sendRelease, type ClaimAnswer, type HeldItem, type LabelAnswer, type ProgressCounts } from '../api';
import { loadOutbox, newClientKey, saveOutbox, type PendingLabel } from '../outbox';
import { createSerial } from '../held';
import { initialLoop, loopReducer, type LoopEvent, type LoopState } from './state';
import { parseRoomEvent, type RoomEvent } from '@/lib/protocol/events';
import { recordCommit, recordShown } from './metrics';

/** Items the page keeps leased: the one on screen plus prefetched ones, decoded and ready. */
const HOLD = 5;
/**
 * Claim when fewer than this are held (the one on screen included): the claim goes out while two
 * are still ahead, so the image after next is already being fetched and decoded when the next
 * is shown (with 2, a slow claim under load left the page with nothing decoded behind the next
 * item). Still about one claim every few labels (a claim costs the server more than a label).
 */
const REFILL_BELOW = 3;
/** The server's cap on held items (lib/protocol/labeling.ts ClaimRequest). */
const MAX_HOLD = 8;
const RETRY_MS = [500, 1000, 2000, 4000, 8000];
/** Leases last TANDEM_LEASE_SECONDS (600 by default): an open page renews what it holds this often. */
const HEARTBEAT_MS = 30_000;

/** Items to hold once the labels still to send are committed: HOLD on the page, plus theirs until then. */
const holdFor = (pendingAfter: number) => Math.min(HOLD + Math.max(pendingAfter, 0), MAX_HOLD);

/** An answer handed to the loop by an editor. */
export interface Submission {
  answer: Record<string, unknown>;
  edit?: EditRecord;
  /** The answer in a few words ("7", "3 boxes"). */
  summary: string;
}

export interface LabelingLoop {
  state: LoopState;
  socket: Socket | null;
  /** Submits the answer for the item on screen and moves on at once; the outbox sends it. */
  submit(s: Submission): void;
  skip(): Promise<void>;
  /** Flags the item on screen for a lead instead of answering it; the server ends its lease as a skip. True once stored. */
  flag(reason: FlagReason, comment: string): Promise<boolean>;
  undo(): Promise<void>;
  dismissNotice(): void;
  /** Marks the moment of a key press that submits, for the key → next image figure. */
  markKeyDown(): void;
  /** Called once the loop has settled (the outbox empty); editors clear their draft after this. */
  onCommitted(listener: (itemId: number, leaseId: number) => void): () => void;
}

/** A reducer whose latest state is also readable synchronously (the loop's callbacks need it between renders). */
function useLoopStore() {
  const ref = useRef<LoopState>(initialLoop);
  const [state, setState] = useState<LoopState>(initialLoop);
  const dispatch = useCallback((e: LoopEvent) => {
    ref.current = loopReducer(ref.current, e);
    setState(ref.current);
  }, []);
  return { state, ref, dispatch };
}

/**
 * The lease queue and the outbox, headless: claims and renews what the page holds, follows a
 * lead's queue changes, sends answers in order and never drops one (an answer leaves the outbox
 * only once the server said it is committed, or refused it for good, which is shown).
 */
export function useLabelingLoop({ projectId, userId, keepOnScreen = false }: {
  projectId: number;
  userId: number;
  /**
   * Keep the item on screen when the tab closes or reloads (its draft is work in progress: the
   * reload brings the same item back); otherwise every item not yet answered is handed back.
   */
  keepOnScreen?: boolean;
}): LabelingLoop {
  const { state, ref, dispatch } = useLoopStore();
  const [socket, setSocket] = useState<Socket | null>(null);
  const outbox = useRef<PendingLabel[]>([]);
  /** Client keys of answers loaded from storage at start (made by an earlier page). */
  const restored = useRef<Set<string>>(new Set());
  // In-flight work, each a promise or null: a second caller joins the first instead of starting another.
  const flushing = useRef<Promise<void> | null>(null);
  const claiming = useRef<Promise<void> | null>(null);
  const reshuffling = useRef<Promise<void> | null>(null);
  const reshuffleAgain = useRef(false);
  const lastClaimAt = useRef(0);
  const keyDownAt = useRef<number | null>(null);
  /** When each answer of this page was made, by client key: for the answer → acknowledgement figure. */
  const madeAt = useRef(new Map<string, number>());
  const committedListeners = useRef(new Set<(itemId: number, leaseId: number) => void>());
  const [serial] = useState(createSerial);
  const topUpRef = useRef<() => Promise<void>>(async () => {});
  const reshuffleRef = useRef<() => void>(() => {});

  const pendingLeaseIds = () => new Set(outbox.current.map((p) => p.leaseId));
  const setOutbox = useCallback((next: PendingLabel[]) => {
    outbox.current = next;
    saveOutbox(projectId, next);
    dispatch({ type: 'pending', count: next.length });
  }, [dispatch, projectId]);

  const refreshProgress = useCallback(async () => {
    try {
      dispatch({ type: 'progress', progress: await call<ProgressCounts>('GET', `/api/projects/${projectId}/progress`) });
    } catch {
      // Progress is informational; the next label or socket event refreshes it.
    }
  }, [dispatch, projectId]);

  /** Leases the page keeps through a release: answers on their way (held until committed) and items handed back by undo. */
  const keptLeaseIds = useCallback(() => [
    ...outbox.current.map((p) => p.leaseId),
    ...ref.current.queue.filter((q) => q.stream === 'redo').map((q) => q.leaseId),
  ], [ref]);

  const applyClaim = useCallback((answer: ClaimAnswer) => {
    dispatch({ type: 'claimed', answer, pendingLeaseIds: pendingLeaseIds() });
    for (const item of ref.current.queue) preload(item.itemId);
    lastClaimAt.current = Date.now();
  }, [dispatch, ref]);

  /** A claim on its own: at start, as the heartbeat, after a skip, or when an answer brought no refill. */
  const topUp = useCallback(() => {
    if (claiming.current) return claiming.current;
    claiming.current = serial(async () => {
      applyClaim(await call<ClaimAnswer>('POST', `/api/projects/${projectId}/leases`, { hold: holdFor(outbox.current.length) }));
    }).catch((e: Error) => {
      dispatch({ type: 'notice', notice: { kind: 'error', text: `Could not fetch items: ${e.message}. Retrying…` } });
      setTimeout(() => { void topUpRef.current(); }, 3000);
    }).finally(() => {
      claiming.current = null;
      dispatch({ type: 'claim-settled' });
    });
    return claiming.current;
  }, [applyClaim, dispatch, projectId, serial]);
  topUpRef.current = topUp;

  /**
   * A lead changed the queue (settings, controls, pause, a release): hand back the prefetched
   * items and claim again, so the change shows in the very next item. The item on screen stays;
   * so do leases of answers on their way.
   */
  const reshuffle = useCallback(() => {
    if (reshuffling.current) {
      reshuffleAgain.current = true;
      return;
    }
    dispatch({ type: 'work', work: { kind: 'refilling' } });
    reshuffling.current = serial(async () => {
      const onScreen = ref.current.queue[0];
      // Dropped here first, so the annotator cannot move on to an item that is being handed back.
      dispatch({ type: 'queue-set', queue: onScreen ? [onScreen] : [] });
      const except = [...new Set([...(onScreen ? [onScreen.leaseId] : []), ...keptLeaseIds()])];
      try {
        await call('POST', `/api/projects/${projectId}/leases/release`, { except });
      } catch {
        // Not released (network, an older server): the claim below renews them and they come back in order.
      }
      applyClaim(await call<ClaimAnswer>('POST', `/api/projects/${projectId}/leases`, { hold: holdFor(outbox.current.length) }));
    }).catch((e: Error) => {
      dispatch({ type: 'notice', notice: { kind: 'error', text: `Could not follow the queue's change: ${e.message}. Retrying…` } });
      setTimeout(() => { void topUpRef.current(); }, 3000);
    }).finally(() => {
      reshuffling.current = null;
      dispatch({ type: 'work', work: { kind: 'none' } });
      dispatch({ type: 'claim-settled' });
      if (reshuffleAgain.current) {
        reshuffleAgain.current = false;
        reshuffleRef.current();
      }
    });
  }, [applyClaim, dispatch, keptLeaseIds, projectId, ref, serial]);
  reshuffleRef.current = reshuffle;

  /** Sends queued answers in order; an answer leaves the outbox only once the server said it is committed. */
  const sendAll = useCallback(async () => {
    let attempt = 0;
    let restoredCommitted = false;
    while (outbox.current.length > 0) {
      const p = outbox.current[0];
      const t0 = performance.now();
      let refill: ClaimAnswer | null | undefined;
      try {
        // An answer is a bare commit, and the refill claim goes between answers (see below): on PGlite a label
        // waited behind a claim in flight beside it. Only when nothing is left to show does the answer carry
        // the refill (`hold`): the annotator waits for the next item either way, and one request beats two.
        const hold = ref.current.queue.length === 0 ? holdFor(outbox.current.length - 1) : undefined;
        const answer = await serial(() => call<LabelAnswer>('POST', `/api/projects/${projectId}/labels`, {
          leaseId: p.leaseId, itemId: p.itemId, answer: p.answer, ...(p.edit ? { edit: p.edit } : {}), clientKey: p.clientKey, hold,
        }));
        recordCommit(performance.now() - t0, `/api/projects/${projectId}/labels`, madeAt.current.get(p.clientKey));
        madeAt.current.delete(p.clientKey);
        refill = answer.refill;
        if (restored.current.has(p.clientKey)) restoredCommitted = true;
        attempt = 0;
        dispatch({ type: 'notice-resolved', prefix: 'Saving' });
        for (const l of committedListeners.current) l(p.itemId, p.leaseId);
      } catch (e) {
        const err = e as ApiError;
        if (err.retry) {
          dispatch({ type: 'notice', notice: { kind: 'error', text: `Saving ${outbox.current.length} label(s) failed (${err.message}); retrying — keep this tab open.` } });
          // No refill comes while answers fail: claim on its own so the next items are still there.
          if (ref.current.queue.length < REFILL_BELOW) void topUpRef.current();
          await sleep(RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
          continue;
        }
        // The server refused this answer for good (e.g. the item went to someone else): say so, do not hide it.
        dispatch({ type: 'notice', notice: { kind: 'error', text: `Label "${p.summary}" for item ${p.itemId} was not stored: ${err.message}` } });
      }
      setOutbox(outbox.current.slice(1));
      if (refill) applyClaim(refill);
      // Running low: claim now, before the next answer goes (lease requests run one at a time, in order).
      else if (ref.current.queue.length < REFILL_BELOW) void topUpRef.current();
    }
    // Answers a previous page left behind were not counted here: ask the server for the counts.
    if (restoredCommitted) void refreshProgress();
  }, [applyClaim, dispatch, projectId, ref, refreshProgress, serial, setOutbox]);

  const flush = useCallback(() => {
    if (flushing.current) return flushing.current;
    flushing.current = sendAll().finally(() => { flushing.current = null; });
    return flushing.current;
  }, [sendAll]);

  const submit = useCallback((s: Submission) => {
    const current = ref.current.queue[0];
    if (!current || ref.current.work.kind === 'undoing') return;
    const pending: PendingLabel = {
      clientKey: newClientKey(), projectId, leaseId: current.leaseId, itemId: current.itemId,
      answer: s.answer, ...(s.edit ? { edit: s.edit } : {}), summary: s.summary, at: Date.now(),
    };
    madeAt.current.set(pending.clientKey, keyDownAt.current ?? performance.now());
    setOutbox([...outbox.current, pending]);
    dispatch({ type: 'submitted', itemId: current.itemId, summary: s.summary });
    // The answer brings back the refill (see sendAll).
    void flush();
  }, [dispatch, flush, projectId, ref, setOutbox]);

  const skip = useCallback(async () => {
    const current = ref.current.queue[0];
    if (!current || ref.current.work.kind === 'undoing') return;
    dispatch({ type: 'queue-set', queue: ref.current.queue.slice(1) });
    try {
      await serial(() => call('POST', `/api/projects/${projectId}/leases/skip`, { leaseId: current.leaseId }));
    } catch (e) {
      dispatch({ type: 'notice', notice: { kind: 'error', text: `Skip failed: ${(e as Error).message}` } });
    }
    void topUp();
  }, [dispatch, projectId, ref, serial, topUp]);

  const flag = useCallback(async (reason: FlagReason, comment: string) => {
    const current = ref.current.queue[0];
    if (!current || ref.current.work.kind === 'undoing') return false;
    try {
      // Sent before the item leaves the screen: a refused flag keeps the item and the comment typed for it.
      await serial(() => call('POST', `/api/projects/${projectId}/items/${current.itemId}/flags`, { reason, comment, leaseId: current.leaseId }));
    } catch (e) {
      dispatch({ type: 'notice', notice: { kind: 'error', text: `Flag failed: ${(e as Error).message}` } });
      return false;
    }
    dispatch({ type: 'queue-set', queue: ref.current.queue.filter((q) => q.leaseId !== current.leaseId) });
    dispatch({ type: 'notice', notice: { kind: 'info', text: `Flagged item ${current.itemId} for a lead; it is out of your queue.` } });
    void topUp();
    return true;
  }, [dispatch, projectId, ref, serial, topUp]);

  const undo = useCallback(async () => {
    if (ref.current.work.kind === 'undoing') return;
    dispatch({ type: 'work', work: { kind: 'undoing' } });
    try {
      await flush(); // the answer to take back must be on the server first
      for (let waited = 0; outbox.current.length > 0; waited += 100) {
        if (waited > 15_000) throw new Error('labels are still waiting to be saved; try again when they are');
        await sleep(100);
      }
      const { lease } = await serial(() => call<{ lease: HeldItem }>('POST', `/api/projects/${projectId}/labels/undo`, {}));
      preload(lease.itemId);
      dispatch({ type: 'undone', lease });
      await refreshProgress();
    } catch (e) {
      dispatch({ type: 'notice', notice: { kind: 'error', text: `Undo failed: ${(e as Error).message}` } });
    } finally {
      dispatch({ type: 'work', work: { kind: 'none' } });
    }
  }, [dispatch, flush, projectId, ref, refreshProgress, serial]);

  // Start: resend what a previous page left unsent, then claim.
  useEffect(() => {
    outbox.current = loadOutbox(projectId);
    restored.current = new Set(outbox.current.map((p) => p.clientKey));
    dispatch({ type: 'pending', count: outbox.current.length });
    void flush();
    void topUp();
    void refreshProgress();
    // Heartbeat: answers' refills renew the leases too, so an idle page is the one that claims here.
    const beat = setInterval(() => {
      if (Date.now() - lastClaimAt.current >= HEARTBEAT_MS - 1000 && !flushing.current) void topUpRef.current();
    }, HEARTBEAT_MS / 3);
    // A closed tab hands its items back at once instead of holding them until the leases expire.
    const release = () => {
      const onScreen = keepOnScreen && ref.current.queue[0] ? [ref.current.queue[0].leaseId] : [];
      sendRelease(`/api/projects/${projectId}/leases/release`, { except: [...onScreen, ...keptLeaseIds()] });
    };
    const back = (e: PageTransitionEvent) => { if (e.persisted) void topUpRef.current(); };
    window.addEventListener('pagehide', release);
    window.addEventListener('pageshow', back);
    return () => {
      clearInterval(beat);
      window.removeEventListener('pagehide', release);
      window.removeEventListener('pageshow', back);
    };
  }, [dispatch, flush, keepOnScreen, keptLeaseIds, projectId, ref, refreshProgress, topUp]);

  // Live counts from everyone's labels, and the team queue's changes (the model badge listens on the same socket).
  useEffect(() => {
    const s: Socket = io({ path: '/socket.io', transports: ['websocket'] });
    setSocket(s);
    let connectedBefore = false;
    s.on('connect', () => {
      s.emit('subscribe', { projectId }, (ack: { ok?: boolean } | undefined) => dispatch({ type: 'live', live: ack?.ok === true }));
      // Back after a drop: queue events may have been missed meanwhile.
      if (connectedBefore) reshuffleRef.current();
      connectedBefore = true;
    });
    s.on('progress', (raw: unknown) => {
      const p = parseRoomEvent('progress', raw);
      if (p && p.projectId === projectId) dispatch({ type: 'progress-live', labeled: p.labeled, total: p.items });
    });
    // Every release names its lease: one this page no longer holds (its own release's echo) is not followed.
    const releasedFromHere = (e: Extract<RoomEvent<'queue'>, { event: 'lease-released' }>) =>
      e.userId === userId && ref.current.queue.some((q) => q.leaseId === e.leaseId);
    s.on('queue', (raw: unknown) => {
      const e = parseRoomEvent('queue', raw);
      if (!e || e.projectId !== projectId) return;
      if (e.event === 'lease-released' && !releasedFromHere(e)) return;
      // New items change nothing on screen: a page that ran short claims them at once instead of at its next heartbeat.
      if (e.event === 'items-added') {
        if (ref.current.queue.length <= 1) void topUpRef.current();
        return;
      }
      if ((e.event === 'paused' || e.event === 'stopped') && ref.current.queue.length > 0) {
        // Shown at once as a banner; the claim after the release confirms it with the server's message.
        dispatch({ type: 'queue-state', queueState: { state: e.event, message: e.event === 'stopped' ? e.message : null } });
      }
      reshuffleRef.current();
    });
    s.on('disconnect', () => dispatch({ type: 'live', live: false }));
    // Removed from the project: no more live events; the next claim says why.
    s.on('revoked', () => dispatch({ type: 'live', live: false }));
    return () => { s.disconnect(); setSocket(null); dispatch({ type: 'live', live: false }); };
  }, [dispatch, projectId, ref, userId]);

  // Key press → next image on screen, measured after the browser has painted it.
  const currentLease = state.queue[0]?.leaseId;
  useLayoutEffect(() => {
    const t0 = keyDownAt.current;
    if (t0 === null) return;
    keyDownAt.current = null;
    requestAnimationFrame(() => recordShown(performance.now() - t0));
  }, [currentLease]);

  const onCommitted = useCallback((l: (itemId: number, leaseId: number) => void) => {
    committedListeners.current.add(l);
    return () => { committedListeners.current.delete(l); };
  }, []);

  return {
    state, socket, submit, skip, flag, undo, onCommitted,
    dismissNotice: useCallback(() => dispatch({ type: 'notice', notice: null }), [dispatch]),
    markKeyDown: useCallback(() => { keyDownAt.current = performance.now(); }, []),
  };
}

function preload(itemId: number): void {
  const img = new Image();
  img.src = mediaUrl(itemId);
  void img.decode?.().catch(() => {});
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
