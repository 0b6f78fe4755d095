'use client';

import { useCallback, useEffect, useState } from 'react';
import type { DraftShape } from '@/lib/tasks/drafts';
import type { DraftState } from './useItemDraft';
import { openLocalDraft, readShapes, type DraftMeta } from './ydraft';

/**
 * A draft held by the page alone (no lease, no server document): the same Y.Doc shape and undo
 * as the labeling loop's, so the same canvas and keys edit it. Made once per mount: a new start
 * is a new mount (the caller keys the editor by it).
 */
export function useLocalDraft(itemId: number, start: DraftShape[], source: DraftMeta['source']) {
  const [state] = useState<Extract<DraftState, { kind: 'ready' }>>(() => ({ kind: 'ready', itemId, ...openLocalDraft(start, source, Date.now()) }));
  const [shapes, setShapes] = useState<DraftShape[]>(() => readShapes(state.doc));
  useEffect(() => {
    const show = () => setShapes(readShapes(state.doc));
    state.doc.on('update', show);
    return () => state.doc.off('update', show);
  }, [state]);
  const editable = useCallback(() => state, [state]);
  return { state, shapes, editable };
}
