'use client';

import { useEffect, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { parseRoomEvent } from '@/lib/protocol/events';
import type { ItemOutcome } from '@/server/services/review';
import { answerSummary } from '../review/AnswerMarks';
import { call } from './api';

/**
 * Tells an annotator what became of their answers that a lead decided or a consensus settled,
 * as they happen. The room event names only who answered; the page asks for its own outcome.
 * Shown in a corner so that the image never moves.
 */
export function DecisionNotices({ socket, projectId, userId }: { socket: Socket | null; projectId: number; userId: number }) {
  const [outcomes, setOutcomes] = useState<ItemOutcome[]>([]);
  useEffect(() => {
    if (!socket) return;
    const onReview = (raw: unknown) => {
      const e = parseRoomEvent('review', raw);
      if (!e || e.projectId !== projectId || !e.annotators.includes(userId)) return;
      call<ItemOutcome>('GET', `/api/projects/${projectId}/items/${e.itemId}/outcome`)
        .then((o) => setOutcomes((list) => [o, ...list.filter((x) => x.itemId !== o.itemId)].slice(0, 3)))
        .catch(() => {});
    };
    socket.on('review', onReview);
    return () => { socket.off('review', onReview); };
  }, [socket, projectId, userId]);
  if (outcomes.length === 0) return null;
  return (
    <aside className="decision-notices" aria-live="polite" data-testid="decision-notices">
      {outcomes.map((o) => (
        <p key={o.itemId} className="notice notice-info" data-testid="decision-notice" data-item-id={o.itemId}>
          {o.resolved === null
            ? <>Item {o.itemId}: your answer ({answerSummary(o.yours)}) stands.</>
            : o.resolved.kept
              ? <>Item {o.itemId}: {o.resolved.who === 'consensus' ? 'the consensus' : `a lead (${o.resolved.who})`} kept your answer, <b>{answerSummary(o.resolved.answer)}</b>.</>
              : <>Item {o.itemId}: {o.resolved.who === 'consensus' ? 'the consensus' : `a lead (${o.resolved.who})`} chose <b>{answerSummary(o.resolved.answer)}</b>; you said {answerSummary(o.yours)}.</>}
          {o.resolved?.reason && <span className="muted"> “{o.resolved.reason}”</span>}{' '}
          <button type="button" className="link" onClick={() => setOutcomes((list) => list.filter((x) => x.itemId !== o.itemId))}>dismiss</button>
        </p>
      ))}
    </aside>
  );
}
