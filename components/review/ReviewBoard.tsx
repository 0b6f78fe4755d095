'use client';

import { useCallback, useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import type { ProjectTask } from '@/lib/tasks';
import { draftSpecOf } from '@/lib/tasks/drafts';
import type { ReviewItem } from '@/server/services/review';
import { call, mediaUrl } from '../labeling/api';
import { MODEL_COLOUR } from '../items/colours';
import { ANSWER_COLOURS, AnswerMarks, answerSummary } from './AnswerMarks';
import { DrawDecision } from './DrawDecision';
import { drawStarts } from './draw-starts';

const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)}%`);

/**
 * The lead's review desk: one disputed or flagged item at a time, every answer side by side in its
 * annotator's colour, the consensus and the model's guess; decided by keyboard (1–9 accept an
 * answer, Enter the consensus) or by giving another class with a reason; boxes and skeletons are
 * drawn with the annotators' editor (D), starting from the consensus, an answer or the model's guess.
 */
export function ReviewBoard({ projectId, task, items }: { projectId: number; task: ProjectTask; items: ReviewItem[] }) {
  const router = useRouter();
  const [at, setAt] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [otherLabel, setOtherLabel] = useState('');
  const [reason, setReason] = useState('');
  const [drawing, setDrawing] = useState(false);
  const item = items[Math.min(at, Math.max(0, items.length - 1))] as ReviewItem | undefined;
  /** The task's answers are drawn on the image (boxes, skeletons): the lead may draw one too. */
  const drawable = draftSpecOf(task) !== null;
  const itemId = item?.itemId;
  useEffect(() => setDrawing(false), [itemId]);

  const decide = useCallback(async (body: Record<string, unknown>, what: string) => {
    if (!item || busy) return;
    setBusy(true);
    setError(null);
    try {
      await call('POST', `/api/projects/${projectId}/items/${item.itemId}/decision`, body);
      setNotice(`Item ${item.itemId}: ${what}`);
      setReason('');
      setOtherLabel('');
      router.refresh();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }, [item, busy, projectId, router]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (!item || e.ctrlKey || e.metaKey || e.altKey || (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      // While drawing, the editor owns the keyboard (digits are box classes there, Enter saves).
      if (drawing) return;
      if ((e.key === 'd' || e.key === 'D') && drawable) {
        e.preventDefault();
        setDrawing(true);
      } else if (/^[1-9]$/.test(e.key)) {
        const a = item.answers[Number(e.key) - 1];
        if (a) { e.preventDefault(); void decide({ from: a.annotationId }, `kept ${a.who}'s answer (${answerSummary(a.answer)})`); }
      } else if (e.key === 'Enter' && item.consensus) {
        e.preventDefault();
        void decide({ from: item.consensus.annotationId }, `accepted the consensus (${answerSummary(item.consensus.answer)})`);
      } else if (e.key === 'ArrowRight' || e.key === 'j') {
        setAt((k) => Math.min(items.length - 1, k + 1));
      } else if (e.key === 'ArrowLeft' || e.key === 'k') {
        setAt((k) => Math.max(0, k - 1));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [item, items.length, decide, drawing, drawable]);

  if (!item) {
    return (
      <section className="card" data-testid="review-empty">
        <h2>Nothing to review</h2>
        <p>No item is disputed or flagged. Items appear here when annotators disagree and no confident consensus settles them, when an annotator flags one, or when you send answers back.</p>
        {notice && <p className="ok" data-testid="review-notice">{notice}</p>}
      </section>
    );
  }

  const size = item.width && item.height ? { w: item.width, h: item.height } : null;
  const classes = task.task === 'classification' ? task.config.classes : [];
  return (
    <section className="card review-item" data-testid="review-item" data-item-id={item.itemId}>
      <header className="page-head">
        <h2>Item {item.itemId} <span className="muted">({item.sourceName})</span></h2>
        <span className="muted">{at + 1} of {items.length} shown · <span data-testid="review-state">{item.state}</span></span>
      </header>
      {notice && <p className="ok" data-testid="review-notice">{notice}</p>}
      {error && <p className="error" role="alert" data-testid="review-error">{error}</p>}
      <div className="review-grid">
        <figure className="review-figure">
          <div className="review-stage">
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src={mediaUrl(item.itemId)} alt={`item ${item.itemId}`} />
            {size && (
              <svg viewBox={`0 0 ${size.w} ${size.h}`} preserveAspectRatio="none" aria-hidden="true">
                {item.answers.map((a, k) => <AnswerMarks key={a.annotationId} answer={a.answer} task={task} colour={ANSWER_COLOURS[k % ANSWER_COLOURS.length]} />)}
                {item.consensus && <AnswerMarks answer={item.consensus.answer} task={task} colour="#111" dashed />}
                {item.prelabel && <g data-testid="review-prelabel-marks"><AnswerMarks answer={item.prelabel.answer} task={task} colour={MODEL_COLOUR} dashed /></g>}
              </svg>
            )}
          </div>
        </figure>
        <div>
          <ol className="review-answers" data-testid="review-answers">
            {item.answers.map((a, k) => (
              <li key={a.annotationId} data-testid="review-answer">
                <button type="button" disabled={busy} onClick={() => void decide({ from: a.annotationId }, `kept ${a.who}'s answer (${answerSummary(a.answer)})`)}>
                  <span className="swatch" style={{ background: ANSWER_COLOURS[k % ANSWER_COLOURS.length] }} />
                  <b>{answerSummary(a.answer)}</b> <span className="muted">by {a.who}{a.source === 'import' ? '' : ''}</span><kbd>{k + 1}</kbd>
                </button>
              </li>
            ))}
          </ol>
          <dl className="facts">
            <dt>consensus</dt>
            <dd data-testid="review-consensus">
              {item.consensus
                ? <button type="button" className="primary" disabled={busy} onClick={() => void decide({ from: item.consensus!.annotationId }, `accepted the consensus (${answerSummary(item.consensus!.answer)})`)}>
                    <b>{answerSummary(item.consensus.answer)}</b> with confidence {pct(item.consensus.confidence)}<kbd>Enter</kbd>
                  </button>
                : <span className="muted">none yet (computed as answers arrive)</span>}
            </dd>
            <dt>model</dt>
            <dd data-testid="review-model">
              {item.prediction && <>{item.prediction.label} <span className="muted">({pct(item.prediction.confidence)})</span></>}
              {item.prelabel && drawable && (
                <span data-testid="review-prelabel">
                  <span className="swatch model-swatch" style={{ background: MODEL_COLOUR }} />
                  {item.prelabel.source === 'model' ? "the model's guess" : 'imported prelabel'}: <b>{answerSummary(item.prelabel.answer)}</b> <span className="muted">(dashed)</span>
                </span>
              )}
              {!item.prediction && !(item.prelabel && drawable) && <span className="muted">no prediction for this item</span>}
            </dd>
            {item.flags.length > 0 && (
              <>
                <dt>flags</dt>
                <dd data-testid="review-flags">
                  <ul>{item.flags.map((f) => <li key={f.id}><b>{f.kind}</b>: {f.reason}{f.comment ? <> — “{f.comment}”</> : null} <span className="muted">{f.who ? `by ${f.who}` : ''}</span></li>)}</ul>
                </dd>
              </>
            )}
          </dl>
          {classes.length > 0 && (
            <form className="review-other" onSubmit={(e) => { e.preventDefault(); if (otherLabel) void decide({ label: otherLabel, reason }, `set to ${otherLabel}`); }}>
              <label>Another class{' '}
                <select value={otherLabel} onChange={(e) => setOtherLabel(e.target.value)} data-testid="review-other-class">
                  <option value="">choose…</option>
                  {classes.map((c) => <option key={c} value={c}>{c}</option>)}
                </select>
              </label>{' '}
              <label>because{' '}
                <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} placeholder="why (required)" data-testid="review-reason" />
              </label>{' '}
              <button type="submit" disabled={busy || !otherLabel || reason.trim() === ''}>Decide</button>
            </form>
          )}
          {drawable && !drawing && (
            <p><button type="button" disabled={busy} onClick={() => setDrawing(true)} data-testid="review-draw">Draw another answer <kbd>D</kbd></button></p>
          )}
          <p>
            <a href={`/projects/${projectId}/items/${item.itemId}`} data-testid="review-item-page">
              The item page
            </a>{' '}
            <span className="muted">(history, comments)</span>
          </p>
          <p className="muted shortcuts-line">
            <kbd>1</kbd>–<kbd>9</kbd> keep an answer · <kbd>Enter</kbd> accept the consensus{drawable && <> · <kbd>D</kbd> draw another</>} · <kbd>←</kbd>/<kbd>→</kbd> previous/next item
          </p>
        </div>
      </div>
      {drawing && (
        <DrawDecision
          projectId={projectId} itemId={item.itemId} task={task} size={size ? { width: size.w, height: size.h } : null} starts={drawStarts(item)}
          onCancel={() => setDrawing(false)}
          onDecided={(what) => { setDrawing(false); setNotice(`Item ${item.itemId}: ${what}`); router.refresh(); }}
        />
      )}
    </section>
  );
}
