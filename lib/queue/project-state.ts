/**
 * What a project's queue is doing, as one discriminated union instead of the `paused` flag, the
 * `stopped` record and the targets' `whenMet` read side by side: a pause beats a stop; a met
 * target either stops the project or narrows dealing to holdout items; a spent budget deals
 * nothing new. Pure: the caller passes the stored columns and the budget left.
 */
export type ProjectState =
  | { kind: 'open' }
  | { kind: 'paused'; message: string }
  | { kind: 'stopped'; reason: string; message: string }
  | { kind: 'holdout-only'; reason: string; message: string }
  | { kind: 'budget'; message: string };

export type ProjectStateName = ProjectState['kind'];

export interface ProjectStateInput {
  paused: boolean;
  stopped: { reason: string; message: string } | null;
  whenMet: 'stop' | 'holdout-only';
  /** Labels the project budget still allows (null: no budget). */
  budgetRemaining: number | null;
}

export const PAUSED_MESSAGE = 'a lead paused this project: finish what you hold; new items come when it resumes';

export function projectState(p: ProjectStateInput): ProjectState {
  if (p.paused) return { kind: 'paused', message: PAUSED_MESSAGE };
  if (p.stopped) {
    return p.whenMet === 'holdout-only'
      ? { kind: 'holdout-only', reason: p.stopped.reason, message: `${p.stopped.message} Only holdout items are dealt now.` }
      : { kind: 'stopped', reason: p.stopped.reason, message: p.stopped.message };
  }
  if (p.budgetRemaining === 0) return { kind: 'budget', message: 'the project budget is spent: no new items are dealt' };
  return { kind: 'open' };
}
