'use client';

import { useRef, useState } from 'react';
import type { Answer, ProjectTask } from '@/lib/tasks';
import { answerSummaryOf } from '@/lib/tasks/summary';
import { call } from '../labeling/api';
import { AnswerEditor } from '../labeling/answer-editor';
import { saveProblem, type DrawStart } from './draw-starts';

/**
 * A lead draws the item's answer with the annotators' editor, starting from an answer already
 * there (or the model's guess), and saves it with a reason through the decision endpoint: a
 * review version like any other decision, validated by the server against the project and image.
 */
export function DrawDecision({ projectId, itemId, task, size, starts, onDecided, onCancel, title = 'Draw the answer' }: {
  projectId: number;
  itemId: number;
  task: ProjectTask;
  size: { width: number; height: number } | null;
  starts: DrawStart[];
  /** Saved: what was decided, in words. */
  onDecided(summary: string): void;
  onCancel?(): void;
  /** The heading; null where the page has one already. */
  title?: string | null;
}) {
  const [startKey, setStartKey] = useState(starts[0]?.key ?? 'empty');
  const start = starts.find((s) => s.key === startKey) ?? starts[0];
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reasonInput = useRef<HTMLInputElement>(null);
  const latest = useRef<Answer | null>(null);

  async function save(answer: Answer | null) {
    if (!answer || busy) return;
    const problem = saveProblem(reason);
    if (problem) {
      setError(problem);
      reasonInput.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await call('POST', `/api/projects/${projectId}/items/${itemId}/decision`, { answer, reason: reason.trim() });
      onDecided(`drew ${answerSummaryOf(answer)} ("${reason.trim()}")`);
    } catch (e) {
      setError(`Not saved: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="draw-decision" data-testid="draw-decision" data-start={start?.key}>
      <header className="page-head">
        {title ? <h3>{title}</h3> : <span />}
        <span>
          <label>start from{' '}
            <select value={startKey} onChange={(e) => setStartKey(e.target.value)} data-testid="draw-start">
              {starts.map((s) => <option key={s.key} value={s.key}>{s.label}</option>)}
            </select>
          </label>
          {onCancel && <>{' '}<button type="button" onClick={onCancel} data-testid="draw-cancel">Cancel</button></>}
        </span>
      </header>
      {start && (
        <AnswerEditor
          key={`${itemId}-${start.key}`} task={task} itemId={itemId} size={size} start={start.answer} fromLabel={start.short}
          onChange={(a) => { latest.current = a; }} onSubmit={(a) => void save(a)}
          submitLabel={busy ? 'Saving…' : 'Save answer'} submitText="save the drawing as the item's answer (with a reason)" submitDisabled={busy}
          beforeSubmit={(
            <label className="draw-reason">
              <span>reason (required)</span>
              <input
                ref={reasonInput} value={reason} maxLength={500} placeholder="why this is the right answer" data-testid="draw-reason"
                onChange={(e) => { setReason(e.target.value); setError(null); }}
                onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); void save(latest.current); } }}
              />
            </label>
          )}
          afterSubmit={error && <p className="error" role="alert" data-testid="draw-error">{error}</p>}
        />
      )}
    </section>
  );
}
