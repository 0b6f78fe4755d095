import { describe, expect, it } from 'vitest';
import { rankPool } from '../../../lib/al/ranking';

describe('rankPool', () => {
  const uncertainty = new Float32Array([0.1, 0.9, 0.5, 0.9, 0.3]);

  it('puts the chosen batch first in pick order, then the rest by uncertainty, ties by index', () => {
    const r = rankPool({ candidates: Int32Array.from([0, 1, 2, 3, 4]), selection: { indices: Int32Array.from([4, 0]), scores: new Float32Array(2) }, uncertainty });
    expect([...r.order]).toEqual([4, 0, 1, 3, 2]);
    expect(r.lead).toBe(2);
  });

  it('gives strictly decreasing scores in (0, 1]', () => {
    const r = rankPool({ candidates: Int32Array.from([0, 1, 2, 3, 4]), selection: { indices: new Int32Array(0), scores: new Float32Array(0) }, uncertainty });
    expect(r.score[0]).toBe(1);
    for (let i = 1; i < r.score.length; i++) expect(r.score[i]).toBeLessThan(r.score[i - 1]);
    expect(r.score[r.score.length - 1]).toBeGreaterThan(0);
  });

  it('ranks only candidates, even if the selection names another item', () => {
    const r = rankPool({ candidates: Int32Array.from([1, 2]), selection: { indices: Int32Array.from([3, 2]), scores: new Float32Array(2) }, uncertainty });
    expect([...r.order]).toEqual([2, 1]);
    expect(r.lead).toBe(1);
  });
});
