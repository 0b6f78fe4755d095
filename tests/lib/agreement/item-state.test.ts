import { describe, expect, it } from 'vitest';
import { isAnswered, itemState, ITEM_STATES } from '../../../lib/agreement/item-state';
import { itemAnswersOf, settledState, type StandingAnswer } from '../../../lib/agreement/settle';
import type { ProjectTask } from '../../../lib/tasks';

const classes: ProjectTask = { task: 'classification', config: { classes: ['cat', 'dog'] } } as ProjectTask;
const boxes: ProjectTask = { task: 'boxes', config: { classes: ['car'] } } as ProjectTask;
let ids = 0;
const said = (label: string, source: StandingAnswer['source'] = 'human', confidence: number | null = null): StandingAnswer =>
  ({ id: ++ids, source, confidence, answer: { task: 'classification', label } });
const drew = (x: number): StandingAnswer => ({ id: ++ids, source: 'human', confidence: null, answer: { task: 'boxes', boxes: [{ class: 'car', x, y: 10, w: 50, h: 40 }] } });

describe('an item\'s state', () => {
  it('is open with no answer, and resolved by one answer when no other lease is out', () => {
    expect(settledState(classes, [], 0)).toBe('open');
    expect(settledState(classes, [said('cat')], 0)).toBe('resolved');
  });

  it('is collecting while an overlap lease is still out, then resolved when the answers agree', () => {
    expect(settledState(classes, [said('cat')], 1)).toBe('collecting');
    expect(settledState(classes, [said('cat'), said('cat')], 0)).toBe('resolved');
  });

  it('is disputed when answers differ, even while more answers are coming', () => {
    expect(settledState(classes, [said('cat'), said('dog')], 0)).toBe('disputed');
    expect(settledState(classes, [said('cat'), said('dog')], 1)).toBe('disputed');
  });

  it('is resolved by a confident consensus newer than every answer, not by a weak or stale one', () => {
    expect(settledState(classes, [said('cat'), said('dog'), said('cat', 'consensus', 0.95)], 0)).toBe('resolved');
    expect(settledState(classes, [said('cat'), said('dog'), said('cat', 'consensus', 0.6)], 0)).toBe('disputed');
    const stale = said('cat', 'consensus', 0.99);
    expect(settledState(classes, [said('cat'), stale, said('dog')], 0)).toBe('disputed');
    expect(settledState(classes, [said('cat'), said('dog'), said('cat', 'consensus', 0.8)], 0, 0.75)).toBe('resolved');
  });

  it('is resolved by a lead\'s decision whatever the answers say', () => {
    expect(settledState(classes, [said('cat'), said('dog'), said('dog', 'review')], 0)).toBe('resolved');
    expect(settledState(classes, [said('cat', 'review')], 0)).toBe('resolved');
  });

  it('counts imported answers as people\'s answers', () => {
    expect(itemAnswersOf(classes, [said('cat', 'import'), said('dog')], 0)).toMatchObject({ answers: 2, agree: false });
  });

  it('asks the task type whether spatial answers agree: boxes a few pixels apart agree, a box elsewhere does not', () => {
    expect(settledState(boxes, [drew(100), drew(102)], 0)).toBe('resolved');
    expect(settledState(boxes, [drew(100), drew(300)], 0)).toBe('disputed');
  });

  it('names every state, and only the open one is unanswered', () => {
    expect(ITEM_STATES.filter((s) => !isAnswered(s))).toEqual(['open']);
    expect(itemState({ answers: 3, agree: true, decided: false, confidentConsensus: false, leasesOut: 0 })).toBe('resolved');
  });
});

describe('an item a lead sent back', () => {
  it('waits for a decision like a dispute, and a decision settles it', () => {
    expect(settledState(classes, [said('cat')], 0, undefined, true)).toBe('disputed');
    expect(settledState(classes, [said('cat'), said('dog', 'review')], 0, undefined, true)).toBe('resolved');
  });
});
