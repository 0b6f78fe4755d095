'use client';

import { useState } from 'react';
import { send, useControl } from '../queue/api';

/** A comment on the item's page. */
export function CommentForm({ projectId, itemId }: { projectId: number; itemId: number }) {
  const { busy, error, run } = useControl();
  const [body, setBody] = useState('');
  return (
    <form className="comment-form" onSubmit={(e) => {
      e.preventDefault();
      void run(async () => { await send('POST', `/api/projects/${projectId}/items/${itemId}/comments`, { body }); setBody(''); });
    }}>
      <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={2} maxLength={2000} placeholder="Add a comment" data-testid="comment-body" />
      <button type="submit" disabled={busy || body.trim() === ''} data-testid="comment-send">Comment</button>
      {error && <span className="error" role="alert">{error}</span>}
    </form>
  );
}
