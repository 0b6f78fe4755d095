import { describe, expect, it } from 'vitest';
import { classEdit, importedSuggestion, suggestionFor, type SuggestionFacts } from '../../../lib/tasks/suggestion';
import { EditRecord } from '../../../lib/tasks/edit';

const facts = (over: Partial<SuggestionFacts> = {}): SuggestionFacts => ({
  enabled: true, classes: ['cat', 'dog'], item: { split: 'pool', gold: false }, leaseStream: 'uncertain',
  prediction: { predicted: 'dog', confidence: 0.83 }, ...over,
});

describe("the model's suggestion for a classification item", () => {
  it('is the predicted class with its probability when the project wants it', () => {
    expect(suggestionFor(facts())).toEqual({ label: 'dog', confidence: 0.83 });
  });

  it('is off unless the project turns it on', () => {
    expect(suggestionFor(facts({ enabled: false }))).toBeNull();
  });

  it('is never given for a holdout item or a gold item, however it was dealt', () => {
    expect(suggestionFor(facts({ item: { split: 'holdout', gold: false } }))).toBeNull();
    expect(suggestionFor(facts({ item: { split: 'pool', gold: true } }))).toBeNull();
    expect(suggestionFor(facts({ leaseStream: 'gold' }))).toBeNull();
    expect(suggestionFor(facts({ leaseStream: 'holdout' }))).toBeNull();
    expect(suggestionFor(facts({ leaseStream: 'redo', item: { split: 'holdout', gold: false } }))).toBeNull();
  });

  it('is absent without a prediction, or with one for a class the project does not have', () => {
    expect(suggestionFor(facts({ prediction: null }))).toBeNull();
    expect(suggestionFor(facts({ prediction: { predicted: null, confidence: null } }))).toBeNull();
    expect(suggestionFor(facts({ prediction: { predicted: 'horse', confidence: 0.9 } }))).toBeNull();
    expect(suggestionFor(facts({ prediction: { predicted: 'cat', confidence: null } }))).toBeNull();
  });

  it('records whether the suggested class was taken unchanged, in the edit record the answers store', () => {
    const taken = classEdit({ label: 'dog', confidence: 0.83 }, 'dog', 1.2);
    expect(taken).toMatchObject({ prelabel: 'model', accepted: true, suggested: 'dog', seconds: 1.2 });
    expect(classEdit({ label: 'dog', confidence: 0.83 }, 'cat', 3)).toMatchObject({ accepted: false, suggested: 'dog' });
    expect(EditRecord.parse(taken)).toEqual(taken);
  });
});

describe('an imported class to confirm', () => {
  const f = { classes: ['cat', 'dog'], item: { split: 'pool' as const, gold: false }, leaseStream: 'uncertain' };
  it('is suggested like the model\'s, with no confidence, and recorded as an import prelabel when answered', () => {
    const s = importedSuggestion(f, 'cat')!;
    expect(s).toEqual({ label: 'cat', confidence: null, source: 'import' });
    expect(classEdit(s, 'cat', 2)).toMatchObject({ prelabel: 'import', accepted: true, suggested: 'cat' });
  });
  it('is withheld on holdout and gold items, and for a class the project lacks', () => {
    expect(importedSuggestion({ ...f, item: { split: 'holdout', gold: false } }, 'cat')).toBeNull();
    expect(importedSuggestion({ ...f, item: { split: 'pool', gold: true } }, 'cat')).toBeNull();
    expect(importedSuggestion({ ...f, leaseStream: 'gold' }, 'cat')).toBeNull();
    expect(importedSuggestion(f, 'horse')).toBeNull();
    expect(importedSuggestion(f, undefined)).toBeNull();
  });
});
