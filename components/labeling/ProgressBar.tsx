'use client';

import type { ProgressCounts } from './api';

/** Labeled by me / by everyone / in the project, with a bar for the share done. */
export function ProgressBar({ progress, pending }: { progress: ProgressCounts | null; pending: number }) {
  if (!progress) return <div className="progress" aria-busy="true" />;
  const share = progress.total ? progress.labeled / progress.total : 0;
  return (
    <div className="progress" data-testid="progress">
      <div className="progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={progress.total} aria-valuenow={progress.labeled}>
        <div style={{ width: `${(share * 100).toFixed(2)}%` }} />
      </div>
      <span>
        you: <b data-testid="mine-count">{progress.mine}</b> · everyone: <b data-testid="all-count">{progress.labeled}</b> of {progress.total}
        {pending > 0 && <span className="saving" data-testid="pending-count"> · saving {pending}…</span>}
      </span>
    </div>
  );
}
