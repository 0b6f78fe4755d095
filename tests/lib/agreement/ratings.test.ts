import { describe, expect, it } from 'vitest';
import { codeRatings, labelOrder } from '../../../lib/agreement/ratings';

describe('coding ratings', () => {
  it('orders labels: the classes given first, then numbers as numbers, else by code point', () => {
    expect(labelOrder(['10', '9', '2.5'])).toEqual(['2.5', '9', '10']);
    expect(labelOrder(['dog', 'Cat', 'bird'])).toEqual(['Cat', 'bird', 'dog']);
    expect(labelOrder(['dog', 'cat', 'owl'], ['dog', 'cat', 'bird'])).toEqual(['dog', 'cat', 'bird', 'owl']);
  });

  it('groups ratings by item in order of first appearance and keeps an annotator\'s later answer', () => {
    const c = codeRatings([
      { item: 'b', annotator: 'x', label: '1' },
      { item: 'a', annotator: 'x', label: '2' },
      { item: 'b', annotator: 'y', label: '2' },
      { item: 'b', annotator: 'x', label: '3' },
    ]);
    expect(c.items).toEqual(['b', 'a']);
    expect(c.annotators).toEqual(['x', 'y']);
    expect(c.labels).toEqual(['1', '2', '3']);
    expect(Array.from(c.start)).toEqual([0, 2, 3]);
    const itemB = [0, 1].map((p) => [c.annotators[c.annotator[p]], c.labels[c.label[p]]]).sort();
    expect(itemB).toEqual([['x', '3'], ['y', '2']]);
    expect(c.duplicates).toBe(1);
  });
});
