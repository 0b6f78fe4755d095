'use client';

import { useEffect, useState } from 'react';
import { send, useControl } from './api';

/**
 * The lead's switch for the model's suggestion on the labeling page. Open labeling pages pick
 * it up on their next load; holdout and gold items never get one, whatever it says.
 */
export function SuggestionsToggle({ projectId, on }: { projectId: number; on: boolean }) {
  const { busy, error, done, run } = useControl();
  const [checked, setChecked] = useState(on);
  useEffect(() => setChecked(on), [on]);
  return (
    <p className="suggestions-toggle">
      <label>
        <input
          type="checkbox" checked={checked} disabled={busy} data-testid="setting-suggestions"
          onChange={(e) => {
            const next = e.currentTarget.checked;
            setChecked(next);
            void run(() => send('PATCH', `/api/projects/${projectId}/settings`, { suggestions: next }), next ? 'suggestions on' : 'suggestions off');
          }}
        />{' '}
        Show annotators the model&apos;s suggestion (its predicted class and how sure it is; Enter accepts it)
      </label>
      <br /><span className="muted">Never on holdout or gold items. A suggestion can anchor the answer: answers record whether it was taken unchanged.</span>
      {error && <span className="error" role="alert"> {error}</span>}
      {done && <span className="ok" role="status"> {done}</span>}
    </p>
  );
}
