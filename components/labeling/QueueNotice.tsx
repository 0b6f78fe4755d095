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

/** The readable end of the queue: why nothing is shown, not a spinner. */
export function QueueEmpty({ queue }: { queue: QueueState }) {
  return (
    <div className="empty" data-testid="queue-empty" data-state={queue.state}>
      <h2>{TITLE[queue.state]}</h2>
      <p>{queue.message ?? DEFAULT_TEXT[queue.state]}</p>
    </div>
  );
}

/** While items are still on screen: the queue will end after them, and why. */
export function QueueEnding({ queue }: { queue: QueueState }) {
  if (queue.state === 'open' || queue.state === 'empty') return null;
  return (
    <p className="notice notice-info" role="status" data-testid="queue-ending" data-state={queue.state}>
      {TITLE[queue.state]} {queue.message ? `${queue.message} ` : ''}Finish what is on screen; nothing new is dealt.
    </p>
  );
}
