import type { Answer } from '@/lib/tasks';
import { answerSummaryOf } from '@/lib/tasks/summary';

/** Where a lead's drawing can start: an answer already on the item, the model's guess, or nothing. */
export interface DrawStart {
  key: string;
  /** What the choice says ("the consensus: 1 box: car"). */
  label: string;
  /** How its shapes are marked in the editor's list ("consensus", "ann1"). */
  short: string;
  answer: Answer | null;
}

interface Source {
  consensus?: { annotationId: number; answer: Answer } | null;
  answers: readonly { annotationId: number; who: string; answer: Answer }[];
  prelabel?: { source: 'import' | 'model'; answer: Answer } | null;
}

/**
 * The starts offered, best first: the consensus (what most of the team drew), each person's
 * answer, the model's (or the import's) prelabel, and an empty image last.
 */
export function drawStarts(s: Source): DrawStart[] {
  const starts: DrawStart[] = [];
  if (s.consensus) starts.push({ key: `a${s.consensus.annotationId}`, label: `the consensus: ${answerSummaryOf(s.consensus.answer)}`, short: 'consensus', answer: s.consensus.answer });
  for (const a of s.answers) starts.push({ key: `a${a.annotationId}`, label: `${a.who}'s answer: ${answerSummaryOf(a.answer)}`, short: a.who, answer: a.answer });
  if (s.prelabel) {
    const who = s.prelabel.source === 'model' ? "the model's guess" : 'the imported prelabel';
    starts.push({ key: 'prelabel', label: `${who}: ${answerSummaryOf(s.prelabel.answer)}`, short: s.prelabel.source === 'model' ? 'model' : 'import', answer: s.prelabel.answer });
  }
  starts.push({ key: 'empty', label: 'an empty image', short: 'empty', answer: null });
  return starts;
}

/** Why a drawn answer may not be saved yet, in words for the lead; null when it may. */
export function saveProblem(reason: string): string | null {
  if (reason.trim() === '') return 'Give a reason before saving: say why your drawing is the right answer (it is kept in the item\'s history).';
  if (reason.trim().length > 500) return 'The reason is too long: at most 500 characters.';
  return null;
}
