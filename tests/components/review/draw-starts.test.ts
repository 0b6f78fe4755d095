import { describe, expect, it } from 'vitest';
import { drawStarts, saveProblem } from '../../../components/review/draw-starts';
import type { Answer } from '../../../lib/tasks';

const box = (x: number, cls = 'car'): Answer => ({ task: 'boxes', boxes: [{ class: cls, x, y: 5, w: 20, h: 10 }] });

describe('where a lead\'s drawing starts', () => {
  it('offers the consensus first, then each person\'s answer, the model\'s guess, and an empty image last', () => {
    const starts = drawStarts({
      consensus: { annotationId: 9, answer: box(12) },
      answers: [{ annotationId: 3, who: 'ann1', answer: box(10) }, { annotationId: 4, who: 'ann2', answer: box(40, 'bus') }],
      prelabel: { source: 'model', answer: box(11) },
    });
    expect(starts.map((s) => [s.key, s.short])).toEqual([['a9', 'consensus'], ['a3', 'ann1'], ['a4', 'ann2'], ['prelabel', 'model'], ['empty', 'empty']]);
    expect(starts[0].answer).toEqual(box(12));
    expect(starts[2].label).toBe("ann2's answer: 1 box: bus");
    expect(starts[3].label).toBe("the model's guess: 1 box: car");
    expect(starts[4].answer).toBeNull();
  });

  it('starts from the first answer when there is no consensus, and names an imported prelabel as such', () => {
    const starts = drawStarts({ answers: [{ annotationId: 3, who: 'ann1', answer: box(10) }], prelabel: { source: 'import', answer: box(1) } });
    expect(starts.map((s) => s.key)).toEqual(['a3', 'prelabel', 'empty']);
    expect(starts[1]).toMatchObject({ short: 'import', label: expect.stringContaining('imported prelabel') });
  });

  it('offers only an empty image when the item has no answer and no prelabel', () => {
    expect(drawStarts({ answers: [] }).map((s) => s.key)).toEqual(['empty']);
  });
});

describe('saving a drawn answer', () => {
  it('is refused without a reason, with a sentence that says what to do', () => {
    expect(saveProblem('')).toMatch(/^Give a reason before saving/);
    expect(saveProblem('   ')).toMatch(/reason/);
  });

  it('is refused with a reason past 500 characters, and allowed with a short one', () => {
    expect(saveProblem('x'.repeat(501))).toMatch(/at most 500/);
    expect(saveProblem('the car is further left')).toBeNull();
  });
});
