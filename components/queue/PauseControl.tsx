'use client';

import { queueUrl, send, useControl } from './api';

/** Pause: nothing new is dealt (held items stay with their holders); resume deals again. */
export function PauseControl({ projectId, paused }: { projectId: number; paused: boolean }) {
  const { busy, error, run } = useControl();
  return (
    <span className="pause-control">
      <button
        type="button" disabled={busy} data-testid={paused ? 'queue-resume' : 'queue-pause'}
        onClick={() => void run(() => send('POST', queueUrl(projectId, paused ? '/resume' : '/pause'), {}))}
      >
        {paused ? 'Resume dealing' : 'Pause dealing'}
      </button>
      {error && <span className="error" role="alert"> {error}</span>}
    </span>
  );
}
