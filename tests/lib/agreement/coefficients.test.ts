import { describe, expect, it } from 'vitest';
import { cohenKappa, coefficients, fleissKappa, krippendorffAlpha, percentAgreement } from '../../../lib/agreement/coefficients';
import type { Rating } from '../../../lib/agreement/ratings';

/** A reliability-data matrix (rows: coders, columns: units; null: missing) as ratings. */
function fromMatrix(rows: (number | string | null)[][]): Rating[] {
  const out: Rating[] = [];
  rows.forEach((row, coder) => row.forEach((v, unit) => {
    if (v !== null) out.push({ item: `u${unit + 1}`, annotator: `c${coder + 1}`, label: String(v) });
  }));
  return out;
}

/** One rating per rater for each subject from a table of category counts (Fleiss' layout). */
function fromCounts(table: number[][]): Rating[] {
  const out: Rating[] = [];
  table.forEach((counts, s) => {
    let rater = 0;
    counts.forEach((n, cat) => { for (let j = 0; j < n; j++) out.push({ item: `s${s}`, annotator: `r${rater++}`, label: `c${cat + 1}` }); });
  });
  return out;
}

// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section E: 4 observers,
// 12 units, missing values (also R irr's kripp.alpha example). Published: nominal 0.743,
// ordinal 0.815, interval 0.849, ratio 0.797 (irr and its Python port pyirr give the same).
const KRIPPENDORFF_2011 = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
];

// Wikipedia's computational example of Krippendorff's alpha: 3 coders, 15 units, many missing
// values. Published: nominal 0.691, interval 0.811.
const WIKIPEDIA_15 = [
  [null, null, null, null, null, 3, 4, 1, 2, 1, 1, 3, 3, null, 3],
  [1, null, 2, 1, 3, 3, 4, 3, null, null, null, null, null, null, null],
  [null, null, 2, 1, 3, 4, 4, null, 2, 1, 1, 3, 3, null, 4],
];

describe("Krippendorff's alpha", () => {
  it('reproduces the 2011 paper at all four levels, with missing ratings', () => {
    const r = fromMatrix(KRIPPENDORFF_2011);
    expect(krippendorffAlpha(r, 'nominal')).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(r, 'ordinal')).toBeCloseTo(0.815, 3);
    expect(krippendorffAlpha(r, 'interval')).toBeCloseTo(0.849, 3);
    expect(krippendorffAlpha(r, 'ratio')).toBeCloseTo(0.797, 3);
  });

  it("reproduces Wikipedia's 3 coders × 15 units example (units rated once count for nothing)", () => {
    const r = fromMatrix(WIKIPEDIA_15);
    expect(krippendorffAlpha(r, 'nominal')).toBeCloseTo(0.691, 3);
    expect(krippendorffAlpha(r, 'interval')).toBeCloseTo(0.811, 3);
  });

  it('does not depend on the order of the rows', () => {
    const r = fromMatrix(KRIPPENDORFF_2011);
    const shuffled = [...r].reverse();
    for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as const) {
      expect(krippendorffAlpha(shuffled, level)).toBeCloseTo(krippendorffAlpha(r, level)!, 12);
    }
  });

  it('is 1 for perfect agreement and null when nothing varies or nothing is pairable', () => {
    expect(krippendorffAlpha(fromMatrix([[1, 2, 3], [1, 2, 3]]), 'nominal')).toBe(1);
    expect(krippendorffAlpha(fromMatrix([[1, 1, 1], [1, 1, 1]]), 'interval')).toBeNull();
    expect(krippendorffAlpha(fromMatrix([[1, null], [null, 2]]), 'nominal')).toBeNull();
  });

  it('refuses a non-numeric label at the interval and ratio levels, naming it', () => {
    const r = fromMatrix([['cat', 'dog'], ['cat', 'cat']]);
    expect(() => krippendorffAlpha(r, 'interval')).toThrow(/label "cat" is not a number/);
    expect(() => krippendorffAlpha(r, 'ratio')).toThrow(/not a number/);
    expect(krippendorffAlpha(r, 'nominal')).not.toBeNull();
  });
});

describe("Fleiss' kappa", () => {
  // Wikipedia's worked example: 10 subjects, 14 raters, 5 categories; P̄ = 0.378, P̄e = 0.213, κ = 0.210.
  const TABLE = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
  ];

  it('reproduces the 10 subjects × 14 raters example', () => {
    const r = fromCounts(TABLE);
    expect(fleissKappa(r)).toBeCloseTo(0.21, 3);
    expect(percentAgreement(r)).toBeCloseTo(0.378, 3);
  });

  it('is null when items have unequal numbers of ratings, ignoring items rated once', () => {
    const r = fromCounts(TABLE);
    expect(fleissKappa(r.filter((x) => !(x.item === 's0' && x.annotator === 'r0')))).toBeNull();
    expect(fleissKappa([...r, { item: 'lonely', annotator: 'r0', label: 'c1' }])).toBeCloseTo(0.21, 3);
  });
});

describe("Cohen's kappa", () => {
  // Wikipedia: 50 grant proposals, both yes 20, A yes B no 5, A no B yes 10, both no 15: κ = 0.4.
  function proposals(): Rating[] {
    const out: Rating[] = [];
    const cells: [string, string, number][] = [['yes', 'yes', 20], ['yes', 'no', 5], ['no', 'yes', 10], ['no', 'no', 15]];
    let i = 0;
    for (const [a, b, n] of cells) {
      for (let j = 0; j < n; j++, i++) out.push({ item: `p${i}`, annotator: 'A', label: a }, { item: `p${i}`, annotator: 'B', label: b });
    }
    return out;
  }

  it('reproduces the 50 proposals example', () => {
    expect(cohenKappa(proposals())).toBeCloseTo(0.4, 12);
    expect(percentAgreement(proposals())).toBeCloseTo(0.7, 12);
  });

  it('averages over annotator pairs, each over the items both rated', () => {
    // A–B as above (0.4); A–C agree on everything they share with variation (1).
    const r = proposals();
    for (let i = 0; i < 10; i++) r.push({ item: `p${i * 5}`, annotator: 'C', label: r.find((x) => x.item === `p${i * 5}` && x.annotator === 'A')!.label });
    // C rated items 0,5,…,45: A says yes on p0..p24 and no after, so A–C see both classes.
    expect(cohenKappa(r)).toBeCloseTo((0.4 + 1 + cohenKappa(r.filter((x) => x.annotator !== 'A'))!) / 3, 12);
  });

  it('gives the same with a crowd of annotators (past the dense pair table)', () => {
    const crowd = proposals();
    for (let j = 0; j < 2100; j++) crowd.push({ item: `alone${j}`, annotator: `c${j}`, label: 'yes' });
    expect(cohenKappa(crowd)).toBeCloseTo(0.4, 12);
  });

  it('leaves out pairs that only ever used one class together', () => {
    const r: Rating[] = [
      { item: '1', annotator: 'A', label: 'x' }, { item: '1', annotator: 'B', label: 'x' },
      { item: '2', annotator: 'A', label: 'x' }, { item: '2', annotator: 'B', label: 'x' },
    ];
    expect(cohenKappa(r)).toBeNull();
  });
});

describe('all coefficients at once', () => {
  it('match the single ones and read duplicates as the later answer', () => {
    const r = fromMatrix(KRIPPENDORFF_2011);
    const all = coefficients(r, 'ordinal');
    expect(all).toEqual({ krippendorffAlpha: krippendorffAlpha(r, 'ordinal'), fleissKappa: null, cohenKappa: cohenKappa(r), percentAgreement: percentAgreement(r) });
    const twice = [{ item: 'u1', annotator: 'c1', label: '4' }, ...r];
    expect(coefficients(twice, 'ordinal')).toEqual(all);
  });
});
