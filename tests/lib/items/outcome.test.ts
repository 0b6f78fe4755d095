import { describe, expect, it } from 'vitest';
import { answerOutcome } from '../../../lib/items/outcome';

const base = { retracted: false, status: 'resolved' as const, resolvedSource: 'human', agreesWithResolved: true };

describe('what became of an annotator\'s answer', () => {
  it('is taken back once they retracted it, whatever the item\'s state', () => {
    expect(answerOutcome({ ...base, retracted: true })).toEqual({ kind: 'taken-back' });
  });

  it('waits while other overlap answers are due, and says disputed without saying what others answered', () => {
    expect(answerOutcome({ ...base, status: 'collecting' })).toEqual({ kind: 'waiting' });
    expect(answerOutcome({ ...base, status: 'disputed' })).toEqual({ kind: 'disputed' });
  });

  it('is kept when people\'s answers settled the item', () => {
    expect(answerOutcome(base)).toEqual({ kind: 'kept' });
  });

  it('is decided by a lead or a consensus, saying whether that matches their answer', () => {
    expect(answerOutcome({ ...base, resolvedSource: 'review', agreesWithResolved: false })).toEqual({ kind: 'decided', by: 'lead', same: false });
    expect(answerOutcome({ ...base, resolvedSource: 'consensus', agreesWithResolved: true })).toEqual({ kind: 'decided', by: 'consensus', same: true });
  });
});
