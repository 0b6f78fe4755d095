'use client';

import { useState } from 'react';
import type { ProjectTask } from '@/lib/tasks';
import { send, useControl } from '../queue/api';

/**
 * A lead fixes the item's answer: a class (classification), or one of the standing answers to
 * accept, or a new answer written out (spatial tasks: the task's JSON payload; DrawFix beside it
 * draws one with the annotators' editor instead), always with a
 * reason. It goes through the lead's decision endpoint, so the fix is a new version recorded as
 * the lead's correction; nothing here writes answers another way.
 */
export function FixAnswerForm({ projectId, itemId, task, standing }: {
  projectId: number;
  itemId: number;
  task: ProjectTask;
  /** Standing answers that may be accepted as they are: annotation id and a few words. */
  standing: { id: number; label: string }[];
}) {
  const { busy, error, done, run } = useControl();
  const classes = task.task === 'classification' ? task.config.classes : [];
  const [choice, setChoice] = useState<string>(task.task === 'classification' ? `class:${classes[0] ?? ''}` : standing[0] ? `from:${standing[0].id}` : 'json');
  const [json, setJson] = useState('');
  const [reason, setReason] = useState('');

  function body(): Record<string, unknown> {
    if (choice.startsWith('class:')) return { label: choice.slice(6), reason };
    if (choice.startsWith('from:')) return { from: Number(choice.slice(5)), ...(reason.trim() ? { reason } : {}) };
    let answer: unknown;
    try {
      answer = JSON.parse(json);
    } catch {
      throw new Error('the new answer is not valid JSON');
    }
    return { answer, reason };
  }

  return (
    <form className="fix-form" data-testid="fix-form" onSubmit={(e) => {
      e.preventDefault();
      void run(async () => { await send('POST', `/api/projects/${projectId}/items/${itemId}/decision`, body()); setReason(''); }, 'Saved: the item now resolves to your answer.');
    }}>
      <label><span>new answer</span>
        <select value={choice} onChange={(e) => setChoice(e.target.value)} data-testid="fix-choice">
          {classes.map((c) => <option key={c} value={`class:${c}`}>class {c}</option>)}
          {standing.map((s) => <option key={s.id} value={`from:${s.id}`}>accept {s.label}</option>)}
          {task.task !== 'classification' && <option value="json">write a new answer (JSON)</option>}
        </select>
      </label>
      {choice === 'json' && (
        <label><span>answer</span>
          <textarea value={json} onChange={(e) => setJson(e.target.value)} rows={4} placeholder={task.task === 'boxes' ? '{"boxes":[{"class":"…","x":0,"y":0,"w":10,"h":10}]}' : '{"instances":[{"points":[{"x":0,"y":0,"v":2}, …]}]}'} />
        </label>
      )}
      <label><span>reason {choice.startsWith('from:') ? '(optional)' : ''}</span>
        <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} size={40} placeholder="why this is the right answer" data-testid="fix-reason" />
      </label>
      <button type="submit" className="primary" disabled={busy} data-testid="fix-submit">Fix answer</button>
      {error && <span className="error" role="alert" data-testid="fix-error">{error}</span>}
      {done && <span className="ok" role="status">{done}</span>}
    </form>
  );
}
