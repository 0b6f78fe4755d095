'use client';

import { useState } from 'react';
import { parseItemIds, type Guidelines } from '@/lib/protocol/guidelines';
import { send, useControl } from '../queue/api';
import { GuidelinesView } from './GuidelinesView';

/** Leads write the guidelines in Markdown, pick example items per class by id, and see the preview as annotators will. */
export function GuidelinesEditor({ projectId, classes, guidelines }: { projectId: number; classes: readonly string[]; guidelines: Guidelines | null }) {
  const { busy, error, done, run } = useControl();
  const [markdown, setMarkdown] = useState(guidelines?.markdown ?? '');
  const [ids, setIds] = useState<Record<string, string>>(() => Object.fromEntries(classes.map((c) => [c, (guidelines?.examples[c] ?? []).join(', ')])));
  const [localError, setLocalError] = useState<string | null>(null);
  const examples: Record<string, number[]> = {};
  for (const c of classes) examples[c] = parseItemIds(ids[c] ?? '') ?? [];
  return (
    <form
      className="guidelines-editor" data-testid="guidelines-editor"
      onSubmit={(e) => {
        e.preventDefault();
        const bad = classes.filter((c) => parseItemIds(ids[c] ?? '') === null);
        setLocalError(bad.length ? `Examples for ${bad.join(', ')} are not item ids: write ids such as 12, 40.` : null);
        if (bad.length) return;
        void run(() => send('PUT', `/api/projects/${projectId}/guidelines`, { markdown, examples }), 'Saved: annotators see them on their next visit.');
      }}
    >
      <div className="guidelines-edit-grid">
        <label className="guidelines-source">Instructions (Markdown: # headings, **bold**, lists, links)
          <textarea value={markdown} onChange={(e) => setMarkdown(e.target.value)} rows={14} maxLength={50_000} data-testid="guidelines-markdown" />
        </label>
        <div className="guidelines-preview" data-testid="guidelines-preview">
          <span className="muted">Preview</span>
          <GuidelinesView guidelines={{ markdown, examples }} />
        </div>
      </div>
      {classes.length > 0 && (
        <fieldset className="guidelines-examples">
          <legend>Example items per class (ids from the items page)</legend>
          {classes.map((c) => (
            <label key={c}>{c} <input type="text" value={ids[c] ?? ''} onChange={(e) => setIds({ ...ids, [c]: e.target.value })} placeholder="e.g. 12, 40" data-testid="guidelines-examples" data-class={c} /></label>
          ))}
        </fieldset>
      )}
      <button type="submit" className="primary" disabled={busy} data-testid="guidelines-save">Save guidelines</button>
      {(localError ?? error) && <p className="error" role="alert" data-testid="guidelines-error">{localError ?? error}</p>}
      {done && !error && !localError && <p className="ok" role="status">{done}</p>}
    </form>
  );
}
