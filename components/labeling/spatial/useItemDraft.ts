'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { draftOf, type DraftShape } from '@/lib/tasks/drafts';
import type { Prelabel } from './prelabels';
import { LOCAL, clearDraft, readMeta, readShapes, shapesOf, startDraft, type DraftMeta } from './ydraft';

/** Where the item's draft stands: its document is connecting, or synced and being edited. */
export type DraftState =
  | { kind: 'connecting'; itemId: number }
  | { kind: 'ready'; itemId: number; doc: Y.Doc; undo: Y.UndoManager; meta: DraftMeta };

/** Whether the document's changes reach the server now. */
export type Link = 'online' | 'offline';

export const yjsUrl = () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/yjs`;
export const docName = (itemId: number) => `item-${itemId}`;

/**
 * The item's draft document (`/yjs/item-<id>`), started from its prelabel at the first edit;
 * the same document on a reload, after a restart, or on another tab. The
 * shapes shown while it connects are the prelabel's, so the next item appears at once.
 */
export function useItemDraft(itemId: number | null, prelabel: Prelabel | null) {
  const [state, setState] = useState<DraftState | null>(null);
  const [shapes, setShapes] = useState<DraftShape[]>([]);
  const [link, setLink] = useState<Link>('offline');

  useEffect(() => {
    if (itemId === null) {
      setState(null);
      setShapes([]);
      return;
    }
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(yjsUrl(), docName(itemId), doc, { disableBc: true });
    setState({ kind: 'connecting', itemId });
    let synced = false;
    const show = () => setShapes(readShapes(doc));
    doc.on('update', () => { if (synced) show(); });
    provider.on('status', (e: { status: string }) => setLink(e.status === 'connected' ? 'online' : 'offline'));
    provider.on('sync', (isSynced: boolean) => {
      if (!isSynced || synced) return;
      synced = true;
      const undo = new Y.UndoManager(shapesOf(doc), { trackedOrigins: new Set([LOCAL]), captureTimeout: 0 });
      setState({ kind: 'ready', itemId, doc, undo, meta: readMeta(doc) ?? { started: Date.now(), source: 'none', prelabel: [] } });
      show();
    });
    return () => {
      provider.destroy();
      doc.destroy();
    };
  }, [itemId]);

  /** Items whose draft was written (by this page or an earlier one): only those need emptying after the commit. */
  const started = useRef(new Set<number>());
  useEffect(() => {
    if (state?.kind === 'ready' && readMeta(state.doc)) started.current.add(state.itemId);
  }, [state]);
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
    started.current.add(s.itemId);
    return s;
  }, []);
  const wasStarted = useCallback((id: number) => started.current.has(id), []);

  // Until the document is synced, the prelabel stands in for it.
  const shown = state?.kind === 'ready' && state.itemId === itemId && readMeta(state.doc) ? shapes : draftOf(prelabel?.answer ?? null);
  return { state, shapes: shown, link, editable, wasStarted };
}

/**
 * Empties an item's draft on the server once its answer is committed (a connection of its own:
 * the page has moved on to other items by then), so the item's next lease starts from its prelabel.
 */
export function clearDraftOnServer(itemId: number): void {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(yjsUrl(), docName(itemId), doc, { disableBc: true });
  const done = () => {
    provider.destroy();
    doc.destroy();
  };
  const timer = setTimeout(done, 30_000);
  provider.on('sync', (isSynced: boolean) => {
    if (!isSynced) return;
    clearDraft(doc);
    clearTimeout(timer);
    // The update went out with the call above; the close frame follows it on the same socket.
    setTimeout(done, 0);
  });
}
