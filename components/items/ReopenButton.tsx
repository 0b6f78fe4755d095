'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { send } from '../queue/api';
import { useHydrated } from '../ui/use-hydrated';

/** Takes one's own answer back and opens the labeling page, where the item comes first. */
export function ReopenButton({ projectId, annotationId }: { projectId: number; annotationId: number }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button type="button" disabled={busy || !hydrated} data-testid="reopen" onClick={async () => {
        setBusy(true);
        setError(null);
        try {
          await send('POST', `/api/projects/${projectId}/mine/reopen`, { annotationId });
          router.push(`/projects/${projectId}/label`);
        } catch (e) {
          setError((e as Error).message);
          setBusy(false);
        }
      }}>Reopen</button>
      {error && <span className="error" role="alert" data-testid="reopen-error"> {error}</span>}
    </>
  );
}
