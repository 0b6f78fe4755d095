'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { answerOfDraft, draftOf, draftSpecOf, measureEdit, summaryOfDraft, type DraftShape } from '@/lib/tasks/drafts';
import type { EditorProps } from '../editor-props';
import { createPrelabelCache, type Prelabel } from './prelabels';
import { createImageCache } from './images';
import { SpatialCanvas, type ImageSize } from './SpatialCanvas';
import { useItemDraft } from './useItemDraft';
import { readMeta } from './ydraft';
import { recordDrawn, recordSubmitted } from './timing';

/**
 * The labeling loop's editor for boxes and keypoint skeletons: the item's Y.Doc is the draft
 * (SpatialCanvas draws it and writes each finished gesture to it); Enter turns it into the answer
 * and the loop moves on to the next item.
 */
export function SpatialEditor({ projectId, task, current, upcoming, placeholder, loop }: EditorProps) {
  const spec = useMemo(() => draftSpecOf(task)!, [task]);
  const cache = useMemo(() => createPrelabelCache(projectId), [projectId]);
  const images = useMemo(() => createImageCache(), []);
  const [prelabel, setPrelabel] = useState<{ itemId: number; value: Prelabel } | null>(null);
  const itemId = current?.itemId ?? null;
  // One that arrived ahead is read at once: the render that shows the item draws its prelabel too.
  const currentPrelabel = prelabel && prelabel.itemId === itemId ? prelabel.value : itemId === null ? null : cache.peek(itemId);
  const { state, shapes, link, editable, secondsSpent } = useItemDraft(itemId, currentPrelabel);
  const [imageReady, setImageReady] = useState<number | null>(null);
  const size = current?.width && current.height ? { width: current.width, height: current.height } : null;

  // Prelabels and decoded images of every held item, fetched ahead; the current prelabel when it arrives.
  const held = useMemo(() => (current ? [current, ...upcoming] : upcoming).map((h) => h.itemId), [current, upcoming]);
  useEffect(() => {
    cache.keep(held);
    images.keep(held);
    for (const id of held) {
      void cache.get(id);
      void images.get(id).catch(() => undefined);
    }
    if (itemId === null) return;
    let stale = false;
    void cache.get(itemId).then((value) => { if (!stale) setPrelabel({ itemId, value }); });
    return () => { stale = true; };
  }, [cache, images, held, itemId]);

  // The next item is on screen once its image and its prelabel (or draft) are drawn.
  useEffect(() => {
    if (imageReady !== null && imageReady === itemId && currentPrelabel) recordDrawn();
  }, [imageReady, itemId, currentPrelabel]);

  /** Enter pressed before the draft or the prelabel arrived: submitted as soon as one is here. */
  const submitWaiting = useRef<{ itemId: number; image: ImageSize | null } | null>(null);
  const submit = (image: ImageSize | null) => {
    if (!current) return;
    const ready = state?.kind === 'ready' && state.itemId === current.itemId ? state : null;
    const started = ready ? readMeta(ready.doc) : null;
    const meta = started ?? (currentPrelabel ? { source: currentPrelabel.source, prelabel: draftOf(currentPrelabel.answer) } : null);
    if (!meta) {
      submitWaiting.current = { itemId: current.itemId, image };
      return;
    }
    submitWaiting.current = null;
    const now: DraftShape[] = shapes;
    loop.markKeyDown();
    recordSubmitted();
    loop.submit({
      answer: answerOfDraft(spec, now, image),
      // Time on the draft in earlier page views (a reload, a restart, before an undo) counts too.
      edit: measureEdit(meta.prelabel, now, secondsSpent(current.itemId), meta.source),
      summary: summaryOfDraft(spec, now),
    });
  };
  useEffect(() => {
    const waiting = submitWaiting.current;
    if (waiting !== null && waiting.itemId === itemId && (currentPrelabel || state?.kind === 'ready')) submit(waiting.image);
  });

  return (
    <SpatialCanvas
      spec={spec} itemId={itemId} size={size} draft={{ state, shapes, editable }}
      submit={submit} skip={() => void loop.skip()} active={current !== null}
      submitText="submit (accepts the prelabel as it is)" submitLabel="Submit" placeholder={placeholder}
      onImageDrawn={setImageReady} images={images}
      frameData={{
        link, prelabel: currentPrelabel ? (currentPrelabel.error ? 'error' : currentPrelabel.source) : 'loading',
        // The seconds the draft brought from earlier page views (a reload, a restart, before an undo).
        secondsBefore: state?.kind === 'ready' && state.itemId === itemId ? state.meta.seconds : undefined,
      }}
      status={(
        <>
          <span data-testid="draft-link">{link === 'online' ? 'draft saved on the server as you go' : 'reconnecting… your changes are kept on this page'}</span>
          {currentPrelabel?.source && currentPrelabel.source !== 'none' && <span>started from the {currentPrelabel.source === 'model' ? "model's prediction" : 'imported prelabel'}</span>}
          {currentPrelabel?.error && <span role="alert">no prelabel: {currentPrelabel.error}</span>}
        </>
      )}
    />
  );
}
