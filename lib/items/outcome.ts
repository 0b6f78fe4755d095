import type { ItemState } from '../agreement/item-state';

/**
 * What became of one of an annotator's answers, as their own page says it. They never learn
 * another annotator's answer from it: a dispute says only that it is disputed; a decision or a
 * consensus shows the resolved answer (the outcome of their work), not the answers behind it.
 */
export type AnswerOutcome =
  | { kind: 'taken-back' }
  | { kind: 'waiting' }
  | { kind: 'disputed' }
  | { kind: 'kept' }
  /** A lead's decision or a consensus settled the item: `same` when it matches the annotator's answer. */
  | { kind: 'decided'; by: 'lead' | 'consensus'; same: boolean };

export function answerOutcome(a: {
  retracted: boolean;
  status: ItemState;
  resolvedSource: string | null;
  /** Whether the resolved answer agrees with the annotator's at the task type's level. */
  agreesWithResolved: boolean;
}): AnswerOutcome {
  if (a.retracted) return { kind: 'taken-back' };
  switch (a.status) {
    case 'open': return { kind: 'taken-back' };
    case 'collecting': return { kind: 'waiting' };
    case 'disputed': return { kind: 'disputed' };
    case 'resolved':
      if (a.resolvedSource === 'review') return { kind: 'decided', by: 'lead', same: a.agreesWithResolved };
      if (a.resolvedSource === 'consensus') return { kind: 'decided', by: 'consensus', same: a.agreesWithResolved };
      return { kind: 'kept' };
    default: {
      const never: never = a.status;
      return never;
    }
  }
}

export const OUTCOME_TEXT: Record<AnswerOutcome['kind'], string> = {
  'taken-back': 'taken back',
  waiting: 'waiting for other answers',
  disputed: 'disputed: waiting for a lead',
  kept: 'kept',
  decided: 'decided',
};
