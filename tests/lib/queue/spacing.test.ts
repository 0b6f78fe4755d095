import { describe, expect, it } from 'vitest';
import { sqDist } from '../../../lib/al/diversity';
import type { Embeddings } from '../../../lib/al/types';
import { NearHeld, nearAny, shortlistSpacing, spacingWithHeld, sqDistUpTo } from '../../../lib/queue/spacing';
import { ints } from './fixtures';

const line = (xs: number[]): Embeddings => ({ n: xs.length, d: 1, data: Float32Array.from(xs) });

describe('shortlistSpacing', () => {
  it('is the median squared distance to the nearest shortlisted neighbour without held items', () => {
    // Gaps 1, 2, 4, 8: nearest neighbours 1, 1, 2, 4, 8 → median 2, squared 4.
    const emb = line([0, 1, 3, 7, 15]);
    expect(shortlistSpacing(emb, [0, 1, 2, 3, 4])).toBe(4);
    expect(shortlistSpacing(emb, [2])).toBe(0);
    expect(shortlistSpacing(emb, [])).toBe(0);
  });

  it('counts held items as neighbours, so a dense team shrinks the threshold to its spacing', () => {
    // Shortlist at 0, 10, 20, 30 (spacing 10); held items halfway between at 5, 15, 25.
    const emb = line([0, 10, 20, 30, 5, 15, 25]);
    expect(shortlistSpacing(emb, [0, 1, 2, 3])).toBe(100);
    expect(shortlistSpacing(emb, [0, 1, 2, 3], [4, 5, 6])).toBe(25);
    // A single shortlisted item has a threshold once held items exist.
    expect(shortlistSpacing(emb, [0], [4])).toBe(25);
  });

  it('gives each shortlisted item its exact squared distance to the nearest held item', () => {
    const emb = line([0, 10, 20, 30, 5, 15, 26]);
    const { nearestHeld } = spacingWithHeld(emb, [0, 1, 2, 3], [4, 5, 6]);
    expect(Array.from(nearestHeld)).toEqual([25, 25, 25, 16]);
    // An item that is itself held is at 0; without held items nothing is near.
    expect(Array.from(spacingWithHeld(emb, [0, 4], [4]).nearestHeld)).toEqual([25, 0]);
    expect(Array.from(spacingWithHeld(emb, [0, 1], []).nearestHeld)).toEqual([Infinity, Infinity]);
  });
});

describe('near-copy tests', () => {
  it('sqDistUpTo is exact up to its bound and above the bound past it', () => {
    const d = 50;
    const data = Float32Array.from({ length: 3 * d }, (_, k) => Math.sin(k * 1.7) * 3);
    const exact = sqDist(data, 0, 1, d);
    expect(sqDistUpTo(data, 0, 1, d, Infinity)).toBeCloseTo(exact, 4);
    expect(sqDistUpTo(data, 0, 1, d, exact + 1)).toBeCloseTo(exact, 4);
    expect(sqDistUpTo(data, 0, 1, d, exact / 10)).toBeGreaterThan(exact / 10);
    expect(sqDistUpTo(data, 2, 2, d, 0)).toBe(0);
  });

  it('refuses exact copies even at τ = 0, and finds a near held item wherever it is in the list', () => {
    const emb = line([0, 0, 3, 9, 9.5, 20]);
    expect(nearAny(emb, 1, ints([0]), 0)).toBe(true);
    expect(nearAny(emb, 2, ints([0]), 0)).toBe(false);
    const near = new NearHeld(emb, ints([0, 3, 5]), 1);
    // 4 is near 3 (the second held item), then 1 near 0 (the first), 2 near none: the
    // starting point moves to the last hit and still every held item is tried.
    expect([4, 1, 2, 4].map((i) => near.near(i))).toEqual([true, true, false, true]);
    expect(new NearHeld(emb, ints([]), 100).near(1)).toBe(false);
  });
});
