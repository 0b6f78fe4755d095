'use client';

import type { QueueState } from './api';

const TITLE: Record<QueueState['state'], string> = {
  open: 'Nothing left for you to label here.',
  empty: 'Nothing left for you to label here.',
  paused: 'A lead paused this project.',
  stopped: 'This project reached its target.',
  budget: 'The label budget is spent.',
};

const DEFAULT_TEXT: Record<QueueState['state'], string> = {
  open: 'Every open item is labeled or held by a teammate. New items appear as they are imported or released.',
  empty: 'Every open item is labeled or held by a teammate. New items appear as they are imported or released.',
  paused: 'Labeling goes on here by itself when it is resumed; you can keep this page open.',
  stopped: 'Dealing stopped because the project met its stopping target.',
  budget: 'No more labels are dealt: the project or your own budget is used up. A lead or admin can raise it.',
};

/**
 * The server's message says which target was met or which budget is spent; a pause's
 * message speaks to someone still holding items, so an empty page says what happens next.
 */
function emptyText(queue: QueueState): string {
  return queue.state === 'stopped' || queue.state === 'budget' ? queue.message ?? DEFAULT_TEXT[queue.state] : DEFAULT_TEXT[queue.state];
}

/** The readable end of the queue: why nothing is shown, not a spinner. */
export function QueueEmpty({ queue }: { queue: QueueState }) {
  return (
    <div className="empty" data-testid="queue-empty" data-state={queue.state}>
      <h2>{TITLE[queue.state]}</h2>
      <p>{emptyText(queue)}</p>
    </div>
  );
}

/**
 * While items are still on screen: why the queue ends after them (or, once a target is met
 * with holdout-only dealing, what it still deals: the server's message says so).
 */
export function QueueEnding({ queue }: { queue: QueueState }) {
  if (queue.state === 'open' || queue.state === 'empty') return null;
  return (
    <p className="notice notice-info" role="status" data-testid="queue-ending" data-state={queue.state}>
      {TITLE[queue.state]} {queue.message ?? 'Finish what is on screen; nothing new is dealt.'}
    </p>
  );
}
