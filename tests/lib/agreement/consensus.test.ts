import { describe, expect, it } from 'vitest';
import { consensus } from '../../../lib/agreement/consensus';
import { codeRatings, type Rating } from '../../../lib/agreement/ratings';
import { mulberry32 } from '../../../lib/random';

const rate = (item: string, annotator: string, label: string): Rating => ({ item, annotator, label });

/**
 * Seeded synthetic answers: `n` items with true classes drawn from `priors`, each rated by
 * `k` distinct annotators drawn at random; annotator j answers from row truth of `pis[j]`.
 */
function synthetic(seed: number, n: number, k: number, priors: number[], pis: number[][][]) {
  const rng = mulberry32(seed);
  const draw = (p: number[]) => {
    let u = rng();
    for (let x = 0; x < p.length; x++) if ((u -= p[x]) < 0) return x;
    return p.length - 1;
  };
  const truth: number[] = [];
  const ratings: Rating[] = [];
  for (let i = 0; i < n; i++) {
    const t = draw(priors);
    truth.push(t);
    const who = pis.map((_, j) => j).sort(() => rng() - 0.5).slice(0, k);
    for (const j of who) ratings.push(rate(`i${i}`, `a${j}`, `c${draw(pis[j][t])}`));
  }
  return { truth, ratings };
}

const accuracyOf = (items: Map<string, { label: string }>, truth: number[]) =>
  truth.filter((t, i) => items.get(`i${i}`)?.label === `c${t}`).length / truth.length;

describe('majority vote', () => {
  it('takes the most frequent label, with its vote share as confidence', () => {
    const r = [rate('1', 'a', 'cat'), rate('1', 'b', 'cat'), rate('1', 'c', 'dog')];
    const c = consensus(r, { method: 'majority' }).items.get('1')!;
    expect(c).toMatchObject({ label: 'cat', answers: 3 });
    expect(c.confidence).toBeCloseTo(2 / 3, 12);
    expect(c.posterior).toEqual({ cat: 2 / 3, dog: 1 / 3 });
    expect(JSON.parse(JSON.stringify(c))).toEqual({ label: 'cat', confidence: 2 / 3, posterior: { cat: 2 / 3, dog: 1 / 3 }, answers: 3 });
  });

  it('breaks a tie by the order of the classes, else by the sorted labels, never by row order', () => {
    const tie = [rate('1', 'a', 'dog'), rate('1', 'b', 'cat')];
    expect(consensus(tie, { method: 'majority' }).items.get('1')!.label).toBe('cat');
    expect(consensus([...tie].reverse(), { method: 'majority' }).items.get('1')!.label).toBe('cat');
    expect(consensus(tie, { method: 'majority', classes: ['dog', 'cat'] }).items.get('1')!.label).toBe('dog');
    const numbers = [rate('1', 'a', '10'), rate('1', 'b', '9')];
    expect(consensus(numbers, { method: 'majority' }).items.get('1')).toMatchObject({ label: '9', confidence: 0.5 });
  });

  it('covers only items with a rating; an item rated once is its one answer', () => {
    const r = [rate('1', 'a', 'x'), rate('2', 'a', 'y'), rate('2', 'b', 'y')];
    const res = consensus(r, { method: 'majority', gold: new Map([['3', 'x']]) });
    expect([...res.items.keys()]).toEqual(['1', '2']);
    expect(res.items.get('1')).toMatchObject({ label: 'x', confidence: 1, answers: 1 });
    expect(res.iterations).toBe(0);
  });

  it('measures agreement only on items others rated too, and accuracy as that agreement', () => {
    const r = [
      rate('1', 'a', 'x'), rate('1', 'b', 'x'), rate('1', 'c', 'y'),
      rate('2', 'a', 'y'), rate('2', 'b', 'y'), rate('2', 'c', 'y'),
      rate('3', 'c', 'x'), // alone: not evidence
    ];
    const c = consensus(r, { method: 'majority' }).annotators.get('c')!;
    expect(c).toMatchObject({ agreement: 0.5, accuracy: 0.5, answers: 3, overlapped: 2, goldAnswers: 0, goldAccuracy: null, estimatedConfusion: null });
    expect(c.confusion).toEqual({ x: { y: 1 }, y: { y: 1 } });
  });

  it('clamps gold items to their known class and scores annotators on them', () => {
    const r = [rate('g', 'a', 'x'), rate('g', 'b', 'x'), rate('g', 'c', 'y')];
    const res = consensus(r, { method: 'majority', gold: new Map([['g', 'y']]) });
    expect(res.items.get('g')).toMatchObject({ label: 'y', confidence: 1 });
    expect(res.annotators.get('a')).toMatchObject({ goldAnswers: 1, goldAccuracy: 0, agreement: 0 });
    expect(res.annotators.get('c')).toMatchObject({ goldAccuracy: 1, confusion: { y: { y: 1 } } });
  });
});

describe('Dawid–Skene', () => {
  // Three classes; a0–a2 careful, a3 often says c1 for c0, a4 answers at random half the time.
  const PRIORS = [0.5, 0.3, 0.2];
  const careful = [[0.95, 0.03, 0.02], [0.03, 0.95, 0.02], [0.02, 0.03, 0.95]];
  const PIS = [careful, careful, careful, [[0.6, 0.35, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]], [[0.67, 0.17, 0.16], [0.17, 0.67, 0.16], [0.17, 0.16, 0.67]]];

  it('recovers known confusion matrices and class priors from seeded synthetic answers', () => {
    const { ratings } = synthetic(7, 3000, 3, PRIORS, PIS);
    const res = consensus(ratings, { method: 'dawid-skene', classes: ['c0', 'c1', 'c2'] });
    for (let j = 0; j < PIS.length; j++) {
      const est = res.annotators.get(`a${j}`)!.estimatedConfusion!;
      for (let t = 0; t < 3; t++) for (let l = 0; l < 3; l++) expect(est[`c${t}`][`c${l}`], `a${j} row c${t} col c${l}`).toBeCloseTo(PIS[j][t][l], 1);
    }
    for (let t = 0; t < 3; t++) expect(res.priors![`c${t}`]).toBeCloseTo(PRIORS[t], 1);
    const a3 = res.annotators.get('a3')!.accuracy!;
    expect(a3).toBeCloseTo(0.5 * 0.6 + 0.3 * 0.9 + 0.2 * 0.9, 1);
    expect(res.iterations).toBeGreaterThan(1);
  });

  it('is right more often than majority vote when annotators differ in skill', () => {
    const { truth, ratings } = synthetic(11, 3000, 3, PRIORS, PIS);
    const ds = accuracyOf(consensus(ratings, { method: 'dawid-skene' }).items, truth);
    const mv = accuracyOf(consensus(ratings, { method: 'majority' }).items, truth);
    expect(ds).toBeGreaterThan(mv);
    expect(ds).toBeGreaterThan(0.97);
  });

  it('gives the same answer twice and whatever the order of the rows', () => {
    const { ratings } = synthetic(3, 500, 2, PRIORS, PIS);
    const a = consensus(ratings, { method: 'dawid-skene' });
    const b = consensus([...ratings].reverse(), { method: 'dawid-skene' });
    expect(consensus(ratings, { method: 'dawid-skene' })).toEqual(a);
    for (const [id, c] of a.items) {
      expect(b.items.get(id)!.label).toBe(c.label);
      expect(b.items.get(id)!.confidence).toBeCloseTo(c.confidence, 6);
    }
  });

  it('takes ratings coded once (shared with the coefficients) as well as plain ones, adding gold classes they lack', () => {
    const { ratings } = synthetic(9, 300, 2, PRIORS, PIS);
    const gold = new Map([['i0', 'c9']]);
    const plain = consensus(ratings, { method: 'dawid-skene', gold });
    const coded = consensus(codeRatings(ratings), { method: 'dawid-skene', gold });
    expect(coded.items.get('i0')).toMatchObject({ label: 'c9', confidence: 1 });
    const json = (x: unknown) => JSON.parse(JSON.stringify(x));
    for (const [id, c] of plain.items) expect(json(coded.items.get(id))).toEqual(json(c));
  });

  it('smooths a one-answer annotator towards the team instead of a 0/1 matrix', () => {
    const { ratings } = synthetic(5, 400, 3, PRIORS, PIS);
    const res = consensus([...ratings, rate('i0', 'newcomer', 'c2')], { method: 'dawid-skene' });
    const est = res.annotators.get('newcomer')!.estimatedConfusion!;
    for (const row of Object.values(est)) {
      for (const p of Object.values(row)) {
        expect(p).toBeGreaterThan(0.001);
        expect(p).toBeLessThan(0.999);
      }
    }
    expect(res.annotators.get('newcomer')!.accuracy).toBeGreaterThan(0.5);
  });

  it('clamps gold items, and gold teaches it who to trust', () => {
    // a and b always say the wrong class for x (they say y); c is right. Without gold the two
    // outvote c; gold items show that a and b say y when it is x.
    const r: Rating[] = [];
    const gold = new Map<string, string>();
    for (let i = 0; i < 80; i++) {
      const truth = i % 2 === 0 ? 'x' : 'y';
      const wrong = truth === 'x' ? 'y' : truth;
      r.push(rate(`i${i}`, 'a', wrong), rate(`i${i}`, 'b', wrong), rate(`i${i}`, 'c', truth));
      if (i < 40) gold.set(`i${i}`, truth);
    }
    const without = consensus(r, { method: 'dawid-skene' });
    expect(without.items.get('i60')!.label).toBe('y');
    const withGold = consensus(r, { method: 'dawid-skene', gold });
    expect(withGold.items.get('i0')).toMatchObject({ label: 'x', confidence: 1 });
    expect(withGold.items.get('i60')!.label).toBe('x');
    expect(withGold.annotators.get('a')).toMatchObject({ goldAnswers: 40, goldAccuracy: 0.5 });
    expect(withGold.annotators.get('c')!.accuracy!).toBeGreaterThan(withGold.annotators.get('a')!.accuracy!);
  });
});
