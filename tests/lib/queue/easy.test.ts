import { describe, expect, it } from 'vitest';
import { pickEasy, type EasyOptions } from '../../../lib/queue/easy';
import { ints } from './fixtures';

const opts = (n: number, over: Partial<EasyOptions> = {}): EasyOptions => ({ want: 4, exclude: new Uint8Array(n), held: ints([]), factor: 10, seed: 1, ...over });

describe('pickEasy', () => {
  // 12 items: confidence falls with the index; classes 0, 1, 2 in turn.
  const confidence = Float32Array.from({ length: 12 }, (_, i) => 0.99 - i * 0.01);
  const predicted = Int32Array.from({ length: 12 }, (_, i) => i % 3);

  it('takes the most confident items, round-robin over predicted classes', () => {
    const picks = Array.from(pickEasy(confidence, predicted, undefined, opts(12, { want: 6 })));
    expect(new Set(picks).size).toBe(6);
    // Two per class, each class's most confident first.
    expect(picks.map((i) => predicted[i]).sort()).toEqual([0, 0, 1, 1, 2, 2]);
    expect(picks.slice().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('does not give every easy item to the most confident class', () => {
    // Class 0 holds the 6 most confident items; two easy picks still come from two classes.
    const pred = Int32Array.from({ length: 12 }, (_, i) => (i < 6 ? 0 : 1));
    const picks = Array.from(pickEasy(confidence, pred, undefined, opts(12, { want: 2 })));
    expect(new Set(picks.map((i) => pred[i])).size).toBe(2);
  });

  it('skips excluded items and returns fewer when the candidates run out', () => {
    const exclude = new Uint8Array(12).fill(1);
    exclude[5] = 0;
    exclude[7] = 0;
    expect(Array.from(pickEasy(confidence, predicted, undefined, opts(12, { exclude }))).sort()).toEqual([5, 7]);
    expect(pickEasy(confidence, predicted, undefined, opts(12, { exclude: new Uint8Array(12).fill(1) })).length).toBe(0);
    expect(pickEasy(confidence, predicted, undefined, opts(12, { want: 0 })).length).toBe(0);
  });

  it('refuses copies of items other annotators hold', () => {
    // Items 1 and 2 sit on the held item 0.
    const emb = { n: 12, d: 1, data: Float32Array.from({ length: 12 }, (_, i) => (i < 3 ? 0 : i)) };
    const exclude = new Uint8Array(12);
    exclude[0] = 1;
    const picks = Array.from(pickEasy(confidence, predicted, emb, opts(12, { exclude, held: ints([0]) })));
    expect(picks).not.toContain(1);
    expect(picks).not.toContain(2);
    expect(picks).toHaveLength(4);
  });

  it('is deterministic for a seed and rotates the starting class with it', () => {
    const a = Array.from(pickEasy(confidence, predicted, undefined, opts(12, { want: 1, seed: 5 })));
    expect(Array.from(pickEasy(confidence, predicted, undefined, opts(12, { want: 1, seed: 5 })))).toEqual(a);
    const starts = new Set<number>();
    for (let seed = 0; seed < 30; seed++) starts.add(predicted[pickEasy(confidence, predicted, undefined, opts(12, { want: 1, seed }))[0]]);
    expect(starts.size).toBe(3);
  });
});
