'use client';

import { queueUrl, send, useControl } from './api';
import type { QueueView } from './types';

/** Why the server stopped the project; an admin may lift the stop (a still-met target stops it again at the next model version). */
export function StoppedBanner({ projectId, stopped, whenMet, admin }: { projectId: number; stopped: NonNullable<QueueView['stopped']>; whenMet: QueueView['stopping']['whenMet']; admin: boolean }) {
  const { busy, error, run } = useControl();
  return (
    <section className="card stopped-banner" role="status" data-testid="queue-stopped">
      <b>Stopped ({stopped.reason}):</b> {stopped.message}.{' '}
      <span className="muted">
        {whenMet === 'holdout-only' ? 'Only holdout items are dealt now.' : 'No item is dealt now.'} Since {stopped.at.slice(0, 19).replace('T', ' ')} UTC.
      </span>
      {admin && (
        <>
          {' '}
          <button type="button" disabled={busy} data-testid="queue-clear-stop" onClick={() => void run(() => send('POST', queueUrl(projectId, '/resume'), { clearStop: true }))}>
            Lift the stop
          </button>
        </>
      )}
      {error && <span className="error" role="alert"> {error}</span>}
    </section>
  );
}
