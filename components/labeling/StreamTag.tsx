'use client';

/**
 * Why the item on screen was dealt, as a small tag with the reason in its
 * tooltip. The server never tells an annotator an item is gold (it arrives as
 * its batch's main stream), so nothing here can give gold away.
 */
const WHY: Record<string, string> = {
  uncertain: 'The model is unsure about this item: your label teaches it the most.',
  easy: 'The model is fairly sure about this one; easy items are mixed in so the queue is not all hard cases. Your label counts like any other.',
  overlap: 'Teammates label this item too, so the team can measure how much labelers agree.',
  holdout: 'A held-out item: never trained on, it measures the model honestly.',
  diverse: 'Picked to cover the variety of the images (diversity over image embeddings): there is no model for this task to be unsure yet.',
  cold: 'Picked at random (or spread across clusters) while the model is not trusted yet.',
  redo: 'You undid your label on this item: it is back for you to label again.',
};

/** Small and quiet: a reason to glance at, not a call to act (inline, so the tag travels with the component). */
const STYLE = { fontSize: '.75rem', padding: '.05rem .45rem', borderRadius: '999px', border: '1px solid #d0d5dd', color: '#475467', cursor: 'help' } as const;

export function StreamTag({ stream }: { stream: string }) {
  const why = WHY[stream];
  if (!why) return null;
  return (
    <span className={`stream-tag stream-${stream}`} title={why} data-testid="stream-tag" data-stream={stream} aria-label={`${stream}: ${why}`} style={STYLE}>
      {stream}
    </span>
  );
}
