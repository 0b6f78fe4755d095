import { describe, expect, it } from 'vitest';
import { sameText, unsavedEdits } from '../../../components/queue/use-field-edits';

describe('a form field typed by a person against the server value', () => {
  it('the same number written differently is the same value; empty is not zero', () => {
    expect(sameText('0.30', '0.3')).toBe(true);
    expect(sameText(' 2 ', '2')).toBe(true);
    expect(sameText('', '0')).toBe(false);
    expect(sameText('', '')).toBe(true);
    expect(sameText('margin', 'entropy')).toBe(false);
  });

  it('an edit is dropped once the server says the same (saved) and kept while it differs (typing, or refused)', () => {
    const server = { easyShare: '0.3', overlapShare: '0' };
    expect(unsavedEdits({ easyShare: '0.30', overlapShare: '0.9' }, server)).toEqual({ overlapShare: '0.9' });
  });

  it('a refresh that changes nothing typed keeps the very same edits (no re-render loop)', () => {
    const edits = { overlapShare: '0.9' };
    expect(unsavedEdits(edits, { overlapShare: '0' })).toBe(edits);
  });
});
