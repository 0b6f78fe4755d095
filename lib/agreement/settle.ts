import { answersAgree, type Answer, type ProjectTask } from '../tasks';
import { itemState, type ItemAnswers, type ItemState } from './item-state';

/** One standing answer of an item, decoded. */
export interface StandingAnswer {
  id: number;
  source: 'human' | 'model' | 'consensus' | 'import' | 'review';
  answer: Answer;
  confidence: number | null;
}

/** A consensus settles a dispute on its own from this posterior up; below it a lead decides. */
export const DEFAULT_CONSENSUS_MIN = 0.9;

/**
 * The facts `itemState` decides on, from an item's standing answers. A consensus counts only when it
 * is newer than every person's answer: one computed before the latest answer arrived does not speak
 * for it (the agreement extension computes a new one).
 */
export function itemAnswersOf(task: ProjectTask, standing: readonly StandingAnswer[], leasesOut: number, consensusMin = DEFAULT_CONSENSUS_MIN, sentBack = false): ItemAnswers {
  const people = standing.filter((a) => a.source === 'human' || a.source === 'import');
  const newestPerson = people.reduce((m, a) => Math.max(m, a.id), 0);
  const consensus = standing.filter((a) => a.source === 'consensus' && a.id > newestPerson).at(-1);
  return {
    answers: people.length,
    agree: answersAgree(task, people.map((a) => a.answer)),
    decided: standing.some((a) => a.source === 'review'),
    confidentConsensus: consensus !== undefined && (consensus.confidence ?? 0) >= consensusMin,
    leasesOut,
    sentBack,
  };
}

export function settledState(task: ProjectTask, standing: readonly StandingAnswer[], leasesOut: number, consensusMin?: number, sentBack = false): ItemState {
  return itemState(itemAnswersOf(task, standing, leasesOut, consensusMin, sentBack));
}
