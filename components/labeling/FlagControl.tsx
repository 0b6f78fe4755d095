'use client';

import { useState } from 'react';
import { FLAG_REASONS, FLAG_REASON_TEXT, COMMENT_MAX, type FlagReason } from '@/lib/protocol/items';

/**
 * "Flag" beside Skip: instead of guessing, the annotator says what is wrong with the item (unclear,
 * a broken image, no class fits) with a comment; the item goes to the lead and out of their queue.
 */
export function FlagControl({ disabled, onFlag }: { disabled: boolean; onFlag(reason: FlagReason, comment: string): Promise<boolean> }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<FlagReason>('unclear');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  if (!open) {
    return <button type="button" onClick={() => setOpen(true)} disabled={disabled} data-testid="flag-open" title="Tell a lead what is wrong with this item instead of guessing">Flag…</button>;
  }
  return (
    <form className="flag-form" data-testid="flag-form" onSubmit={async (e) => {
      e.preventDefault();
      setBusy(true);
      const ok = await onFlag(reason, comment.trim());
      setBusy(false);
      if (ok) {
        setOpen(false);
        setComment('');
      }
    }}>
      <fieldset>
        <legend>What is wrong with this item?</legend>
        {FLAG_REASONS.map((r) => (
          <label key={r}><input type="radio" name="flag-reason" value={r} checked={reason === r} onChange={() => setReason(r)} /> {FLAG_REASON_TEXT[r]}</label>
        ))}
      </fieldset>
      <textarea value={comment} onChange={(e) => setComment(e.target.value)} rows={2} maxLength={COMMENT_MAX} placeholder="A comment for the lead (optional)" data-testid="flag-comment" />
      <span>
        <button type="submit" className="primary" disabled={busy || disabled} data-testid="flag-send">Flag and move on</button>{' '}
        <button type="button" onClick={() => setOpen(false)}>Cancel</button>
      </span>
    </form>
  );
}
