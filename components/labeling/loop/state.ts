import type { ClaimAnswer, HeldItem, ProgressCounts, QueueState } from '../api';
import { mergeClaim } from '../held';

/**
 * The headless labeling loop's state, shared by every editor: the items held (the one on screen
 * first), the labels still on their way, and what the loop is doing. Each "what is going on" is
 * a union with one live variant, not a set of booleans that could contradict each other.
 */

/** Whether the first claim has answered. */
export type Phase = { kind: 'starting' } | { kind: 'running' };

/** Work that blocks the annotator's own actions, or changes what comes next. */
export type Work =
  | { kind: 'none' }
  /** A lead changed the queue: the prefetched items went back and new ones are on their way. */
  | { kind: 'refilling' }
  /** The last label is being taken back. */
  | { kind: 'undoing' };

export type Notice = { kind: 'error' | 'info'; text: string } | null;

export interface LoopState {
  phase: Phase;
  work: Work;
  queue: HeldItem[];
  pending: number;
  progress: ProgressCounts | null;
  queueState: QueueState;
  notice: Notice;
  last: { itemId: number; summary: string } | null;
  /** Subscribed to the project's room, so queue events reach this page. */
  live: boolean;
}

export const OPEN: QueueState = { state: 'open', message: null };

export const initialLoop: LoopState = {
  phase: { kind: 'starting' }, work: { kind: 'none' }, queue: [], pending: 0, progress: null,
  queueState: OPEN, notice: null, last: null, live: false,
};

export type LoopEvent =
  | { type: 'claimed'; answer: ClaimAnswer; pendingLeaseIds: ReadonlySet<number> }
  | { type: 'claim-settled' }
  | { type: 'queue-set'; queue: HeldItem[] }
  | { type: 'submitted'; itemId: number; summary: string }
  | { type: 'pending'; count: number }
  | { type: 'progress'; progress: ProgressCounts }
  | { type: 'progress-live'; labeled: number; total: number }
  | { type: 'queue-state'; queueState: QueueState }
  | { type: 'notice'; notice: Notice }
  /** Clears an error notice whose text starts with this (a retry that succeeded). */
  | { type: 'notice-resolved'; prefix: string }
  | { type: 'work'; work: Work }
  | { type: 'undone'; lease: HeldItem }
  | { type: 'live'; live: boolean };

export function loopReducer(s: LoopState, e: LoopEvent): LoopState {
  switch (e.type) {
    case 'claimed':
      // A server without the team queue says nothing about its state: it deals while it has items.
      return { ...s, queue: mergeClaim(s.queue, e.answer.leases, e.pendingLeaseIds), queueState: e.answer.queue ?? OPEN };
    case 'claim-settled':
      return s.phase.kind === 'running' ? s : { ...s, phase: { kind: 'running' } };
    case 'queue-set':
      return { ...s, queue: e.queue };
    case 'submitted':
      return {
        // An info notice ("Undone: …") was about the item just answered: it goes with it. An error stays until resolved.
        ...s, queue: s.queue.slice(1), last: { itemId: e.itemId, summary: e.summary }, notice: s.notice?.kind === 'info' ? null : s.notice,
        progress: s.progress ? { ...s.progress, mine: s.progress.mine + 1, labeled: s.progress.labeled + 1 } : s.progress,
      };
    case 'pending':
      return { ...s, pending: e.count };
    case 'progress':
      return { ...s, progress: e.progress };
    case 'progress-live':
      return s.progress ? { ...s, progress: { ...s.progress, labeled: e.labeled, total: e.total } } : s;
    case 'queue-state':
      return { ...s, queueState: e.queueState };
    case 'notice':
      return { ...s, notice: e.notice };
    case 'notice-resolved':
      return s.notice?.kind === 'error' && s.notice.text.startsWith(e.prefix) ? { ...s, notice: null } : s;
    case 'work':
      // An undo outranks a refill that ends under it: the buttons stay disabled until the undo is done.
      if (e.work.kind === 'none' || s.work.kind !== 'undoing' || e.work.kind === 'undoing') return { ...s, work: e.work };
      return s;
    case 'undone':
      return {
        ...s, queue: [e.lease, ...s.queue.filter((q) => q.leaseId !== e.lease.leaseId)], last: null,
        notice: { kind: 'info', text: `Undone: item ${e.lease.itemId} is back for you.` },
      };
    case 'live':
      return { ...s, live: e.live };
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** What the stage shows: one of four things, derived from the state. */
export type Screen =
  | { kind: 'first-loading' }
  | { kind: 'item'; current: HeldItem; upcoming: HeldItem[] }
  | { kind: 'next-loading' }
  | { kind: 'empty'; queue: QueueState };

export function screenOf(s: LoopState): Screen {
  if (s.phase.kind === 'starting') return { kind: 'first-loading' };
  const [current, ...upcoming] = s.queue;
  if (current) return { kind: 'item', current, upcoming };
  if (s.work.kind === 'refilling' || s.pending > 0) return { kind: 'next-loading' };
  return { kind: 'empty', queue: s.queueState };
}

/** Whether the annotator may act on the item (label, skip, undo). */
export const canAct = (s: LoopState): boolean => s.work.kind !== 'undoing';
