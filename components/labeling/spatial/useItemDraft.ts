'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { draftOf, type DraftShape } from '@/lib/tasks/drafts';
import type { Prelabel } from './prelabels';
import { LOCAL, readMeta, readShapes, recordSeconds, shapesOf, startDraft, type DraftMeta } from './ydraft';

/** Where the item's draft stands: its document is connecting, or synced and being edited. */
export type DraftState =
  | { kind: 'connecting'; itemId: number }
  | { kind: 'ready'; itemId: number; doc: Y.Doc; undo: Y.UndoManager; meta: DraftMeta };

/** Whether the document's changes reach the server now. */
export type Link = 'online' | 'offline';

export const yjsUrl = () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/yjs`;
export const docName = (itemId: number) => `item-${itemId}`;

/**
 * The signed-in user's draft of the item (`/yjs/item-<id>`; the server keeps one per user:
 * lib/protocol/live-docs.ts, storedDocName), started from its prelabel at the first edit; the
 * same document on a reload, after a restart, on another tab, or when the item comes back to the
 * same annotator. It is kept after the answer is committed, so "undo last label" re-opens the
 * item as it was submitted (an answer accepted unchanged never started one: its prelabel is the
 * answer). The shapes shown while it connects are the prelabel's, so the next item appears at once.
 */
export function useItemDraft(itemId: number | null, prelabel: Prelabel | null) {
  const [state, setState] = useState<DraftState | null>(null);
  const [shapes, setShapes] = useState<DraftShape[]>([]);
  const [link, setLink] = useState<Link>('offline');
  /** When this page view of the item began, and the seconds its draft had from earlier views. */
  const timing = useRef<{ itemId: number | null; viewStart: number; before: number }>({ itemId: null, viewStart: Date.now(), before: 0 });

  useEffect(() => {
    if (itemId === null) {
      setState(null);
      setShapes([]);
      return;
    }
    timing.current = { itemId, viewStart: Date.now(), before: 0 };
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(yjsUrl(), docName(itemId), doc, { disableBc: true });
    setState({ kind: 'connecting', itemId });
    let synced = false;
    const show = () => setShapes(readShapes(doc));
    const spent = () => timing.current.before + (Date.now() - timing.current.viewStart) / 1000;
    doc.on('update', (_u: Uint8Array, origin: unknown) => {
      if (synced) show();
      // After each edit of this page, the time so far goes into the draft (out of the edit's own transaction).
      if (origin === LOCAL) queueMicrotask(() => recordSeconds(doc, spent()));
    });
    provider.on('status', (e: { status: string }) => setLink(e.status === 'connected' ? 'online' : 'offline'));
    provider.on('sync', (isSynced: boolean) => {
      if (!isSynced || synced) return;
      synced = true;
      const meta = readMeta(doc);
      timing.current = { itemId, viewStart: timing.current.viewStart, before: meta?.seconds ?? 0 };
      const undo = new Y.UndoManager(shapesOf(doc), { trackedOrigins: new Set([LOCAL]), captureTimeout: 0 });
      setState({ kind: 'ready', itemId, doc, undo, meta: meta ?? { started: Date.now(), source: 'none', prelabel: [], seconds: 0 } });
      show();
    });
    return () => {
      provider.destroy();
      doc.destroy();
    };
  }, [itemId]);

  const latest = useRef({ state, prelabel });
  latest.current = { state, prelabel };

  /**
   * The synced draft, ready for an edit: started from the prelabel on the first edit. An item
   * accepted as its prelabel (Enter, nothing touched) never writes to its document at all.
   */
  const editable = useCallback((): Extract<DraftState, { kind: 'ready' }> | null => {
    const { state: s, prelabel: p } = latest.current;
    if (s?.kind !== 'ready') return null;
    if (!readMeta(s.doc)) {
      if (!p) return null;
      startDraft(s.doc, draftOf(p.answer), p.source, Date.now());
    }
    return s;
  }, []);

  /** Seconds spent on the item's answer: this page view, plus earlier views of the same draft. */
  const secondsSpent = useCallback((id: number) => {
    const t = timing.current;
    return t.itemId === id ? t.before + (Date.now() - t.viewStart) / 1000 : 0;
  }, []);

  // Until the document is synced, the prelabel stands in for it.
  const shown = state?.kind === 'ready' && state.itemId === itemId && readMeta(state.doc) ? shapes : draftOf(prelabel?.answer ?? null);
  return { state, shapes: shown, link, editable, secondsSpent };
}
