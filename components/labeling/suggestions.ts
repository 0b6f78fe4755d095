'use client';

import { useEffect, useRef, useState } from 'react';
import { Suggestion } from '@/lib/tasks/suggestion';
import { call } from './api';

/**
 * The model's class suggestions for the items the page holds, fetched ahead like the spatial
 * editor's prelabels (one GET of the item's prelabel each), so the next image shows its
 * suggestion as it appears. Undefined while an item's is on its way; null when there is none
 * (the server withholds it on holdout and gold items, or the model has no prediction).
 */
export function useSuggestions(projectId: number, enabled: boolean, itemIds: readonly number[]): ReadonlyMap<number, Suggestion | null> {
  const [known, setKnown] = useState<ReadonlyMap<number, Suggestion | null>>(new Map());
  const asked = useRef(new Set<number>());
  const mounted = useRef(true);
  const key = itemIds.join(',');

  useEffect(() => {
    mounted.current = true;
    return () => { mounted.current = false; };
  }, []);

  useEffect(() => {
    if (!enabled) return;
    const held = new Set(itemIds);
    // Items the page no longer holds are forgotten: a long session keeps a handful, not every item it saw.
    for (const id of [...asked.current]) if (!held.has(id)) asked.current.delete(id);
    setKnown((m) => ([...m.keys()].some((id) => !held.has(id)) ? new Map([...m].filter(([id]) => held.has(id))) : m));
    for (const itemId of itemIds) {
      if (asked.current.has(itemId)) continue;
      asked.current.add(itemId);
      void call<{ prelabel: { label?: unknown } | null; source: string | null; confidence?: number }>('GET', `/api/projects/${projectId}/items/${itemId}/prelabel`)
        .then((r) => {
          const from = r.source === 'model' || r.source === 'import' ? r.source : null;
          const parsed = from && r.prelabel ? Suggestion.safeParse({ label: r.prelabel.label, confidence: r.confidence ?? null, source: from }) : null;
          return parsed?.success ? parsed.data : null;
        })
        // A failed fetch shows no suggestion: the annotator labels as without one.
        .catch(() => null)
        // Kept while the page still holds the item, even if the held set changed meanwhile (an answer
        // submitted while the next item's suggestion was on its way): it is asked for only once.
        .then((s) => { if (mounted.current && asked.current.has(itemId)) setKnown((m) => new Map(m).set(itemId, s)); });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, key, projectId]);

  return known;
}
