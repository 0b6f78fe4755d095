import { describe, expect, it } from 'vitest';
import { bald, confidence, entropy, leastConfidence, margin, voteEntropy, votesFromSamples } from '../../../lib/al/uncertainty';
import { probsOf, samplesOf, votesOf } from './fixtures';

const P = probsOf([[0.5, 0.3, 0.2]]);
const LN2 = Math.log(2);

describe('scores from one probability row, computed by hand for p = [0.5, 0.3, 0.2]', () => {
  it('least confidence is 1 − max p = 0.5', () => {
    expect(leastConfidence(P)[0]).toBeCloseTo(0.5, 6);
  });
  it('margin score is 1 − (0.5 − 0.3) = 0.8', () => {
    expect(margin(P)[0]).toBeCloseTo(0.8, 6);
  });
  it('entropy is −Σ p ln p = 1.0297', () => {
    expect(entropy(P)[0]).toBeCloseTo(1.029653, 5);
  });
  it('confidence for the easy stream is max p = 0.5', () => {
    expect(confidence(P)[0]).toBeCloseTo(0.5, 6);
  });
});

describe('scores over several rows', () => {
  const rows = probsOf([
    [1, 0, 0],
    [1 / 3, 1 / 3, 1 / 3],
    [0.1, 0.6, 0.3],
    [0.45, 0.1, 0.45],
  ]);

  it('rank a confident row lowest and the uniform row highest', () => {
    expect(Array.from(leastConfidence(rows)).map((v) => +v.toFixed(4))).toEqual([0, 0.6667, 0.4, 0.55]);
    expect(Array.from(entropy(rows))[0]).toBe(0);
    expect(entropy(rows)[1]).toBeCloseTo(Math.log(3), 5);
  });

  it('give a tie between the top two classes the full margin score of 1, wherever the tie sits', () => {
    expect(Array.from(margin(rows)).map((v) => +v.toFixed(4))).toEqual([0, 1, 0.7, 1]);
  });

  it('treat a single class as a margin against p₂ = 0', () => {
    expect(margin(probsOf([[0.9], [0.3]]))[1]).toBeCloseTo(0.7, 6);
  });

  it('fill a given buffer and refuse one of the wrong length', () => {
    const out = new Float32Array(4);
    expect(margin(rows, out)).toBe(out);
    expect(() => entropy(rows, new Float32Array(3))).toThrow(RangeError);
  });
});

describe('bald', () => {
  it('is 0 when every pass agrees', () => {
    const s = samplesOf([[[0.7, 0.3]], [[0.7, 0.3]], [[0.7, 0.3]]]);
    expect(bald(s)[0]).toBeCloseTo(0, 6);
  });

  it('is ln 2 when two confident passes contradict each other', () => {
    expect(bald(samplesOf([[[1, 0]], [[0, 1]]]))[0]).toBeCloseTo(LN2, 6);
  });

  it('is H(mean) − mean H on a hand-computed case: [0.8, 0.2] and [0.4, 0.6] give 0.6730 − (0.5004 + 0.6730)/2 = 0.0863', () => {
    expect(bald(samplesOf([[[0.8, 0.2]], [[0.4, 0.6]]]))[0]).toBeCloseTo(0.0863046, 5);
  });

  it('scores each item from its own rows in the pass-major layout', () => {
    // Item 0 agrees across passes, item 1 disagrees.
    const s = samplesOf([
      [[0.9, 0.1], [1, 0]],
      [[0.9, 0.1], [0, 1]],
    ]);
    const r = bald(s);
    expect(r[0]).toBeCloseTo(0, 6);
    expect(r[1]).toBeCloseTo(LN2, 6);
  });
});

describe('vote entropy', () => {
  it('is ln 2 for votes [a, a, b, b]', () => {
    expect(voteEntropy(votesOf([[0], [0], [1], [1]], 3))[0]).toBeCloseTo(LN2, 6);
  });
  it('is 0 for a unanimous committee and H(2/3, 1/3) = 0.6365 for [a, a, b]', () => {
    const v = votesOf([[2, 0], [2, 0], [2, 1]], 3);
    const r = voteEntropy(v);
    expect(r[0]).toBe(0);
    expect(r[1]).toBeCloseTo(0.6365142, 5);
  });
  it('refuses a vote that is not a class', () => {
    expect(() => voteEntropy(votesOf([[0], [3]], 3))).toThrow(/not a class/);
  });
  it('takes each pass\'s argmax as its vote, ties to the lower class', () => {
    const v = votesFromSamples(samplesOf([
      [[0.2, 0.8], [0.5, 0.5]],
      [[0.6, 0.4], [0.1, 0.9]],
    ]));
    expect(v).toMatchObject({ n: 2, k: 2, m: 2 });
    expect(Array.from(v.data)).toEqual([1, 0, 0, 1]);
  });
});
