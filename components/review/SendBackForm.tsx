'use client';

import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { call } from '../labeling/api';
import { useHydrated } from '../ui/use-hydrated';

/** Sends an annotator's newest answers back to the review list (they leave training until decided). */
export function SendBackForm({ projectId, annotators }: { projectId: number; annotators: { userId: number; name: string }[] }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [userId, setUserId] = useState('');
  const [count, setCount] = useState(20);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (annotators.length === 0) return <p className="muted">No annotators in this project yet.</p>;
  return (
    <form data-testid="send-back" onSubmit={async (e) => {
      e.preventDefault();
      if (!userId) return setMessage({ ok: false, text: 'Choose an annotator first.' });
      try {
        const r = await call<{ items: number }>('POST', `/api/projects/${projectId}/review/send-back`, { userId: Number(userId), count, note: note.trim() || undefined });
        setMessage({ ok: true, text: r.items === 0 ? 'That annotator has no answers standing.' : `${r.items} answer${r.items === 1 ? '' : 's'} sent back for review.` });
        router.refresh();
      } catch (err) {
        setMessage({ ok: false, text: (err as Error).message });
      }
    }}>
      <label>Annotator{' '}
        <select value={userId} onChange={(e) => setUserId(e.target.value)}>
          <option value="">choose…</option>
          {annotators.map((a) => <option key={a.userId} value={a.userId}>{a.name}</option>)}
        </select>
      </label>{' '}
      <label>their last{' '}
        <input type="number" min={1} max={500} value={count} onChange={(e) => setCount(Math.max(1, Math.min(500, Number(e.target.value) || 1)))} style={{ width: '5em' }} /> answers
      </label>{' '}
      <label>note <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} placeholder="optional" /></label>{' '}
      <button type="submit" disabled={!hydrated}>Send back</button>
      {message && <p className={message.ok ? 'ok' : 'error'} role="status">{message.text}</p>}
    </form>
  );
}
