import { describe, expect, it } from 'vitest';
import { hogLength, hogRows } from '../../../lib/model/hog';

const SIDE = 8;
/** One 8×8 image per function of (x, y). */
const image = (f: (x: number, y: number) => number) => {
  const data = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) data[y * SIDE + x] = f(x, y);
  return { n: 1, d: SIDE * SIDE, data };
};

describe('hogRows', () => {
  it('gives (cells − 1)² blocks of 4 cells × bins values per row', () => {
    expect(hogLength({ side: 28 })).toBe(6 * 6 * 4 * 9);
    expect(hogRows(image(() => 0), { side: SIDE }).d).toBe(hogLength({ side: SIDE }));
    expect(hogLength({ side: SIDE, cell: 2, bins: 6 })).toBe(3 * 3 * 4 * 6);
  });

  it('refuses rows that are not side×side images, and images of fewer than 2 cells', () => {
    expect(() => hogRows({ n: 1, d: 10, data: new Float32Array(10) }, { side: SIDE })).toThrow(/not 8×8/);
    expect(() => hogRows(image(() => 0), { side: SIDE, cell: 5 })).toThrow(/fewer than 2 cells/);
  });

  it('is all zeros on a flat image', () => {
    expect(Array.from(hogRows(image(() => 0.7), { side: SIDE }).data).every((v) => v === 0)).toBe(true);
  });

  it('puts a horizontal edge (a vertical gradient, 90°) in the bin centred on 90°, and nothing elsewhere', () => {
    const h = hogRows(image((_, y) => (y < 4 ? 0 : 1)), { side: SIDE });
    for (let b = 0; b < h.d / 9; b++) {
      const bins = Array.from(h.data.subarray(b * 9, b * 9 + 9));
      bins.forEach((v, i) => { if (i !== 4) expect(v).toBe(0); });
    }
    expect(Math.max(...h.data)).toBeGreaterThan(0);
  });

  it('shares a vertical edge (0°) between the two bins on either side of 0°/180°', () => {
    const h = hogRows(image((x) => (x < 4 ? 0 : 1)), { side: SIDE });
    const total = new Float64Array(9);
    for (let i = 0; i < h.data.length; i++) total[i % 9] += h.data[i];
    expect(total[0]).toBeGreaterThan(0);
    expect(total[0]).toBeCloseTo(total[8], 5);
    for (let i = 1; i < 8; i++) expect(total[i]).toBe(0);
  });

  it('does not change with the contrast: each block is normalised', () => {
    const f = (x: number, y: number) => Math.sin(x * 0.9) * Math.cos(y * 0.6) + 0.5 * ((x * y) % 3);
    const a = hogRows(image(f), { side: SIDE }).data;
    const b = hogRows(image((x, y) => 3 * f(x, y) + 0.2), { side: SIDE }).data;
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 4);
  });

  it('answers each row on its own', () => {
    const one = image((x, y) => (x + y) % 3);
    const two = { n: 2, d: one.d, data: new Float32Array([...image(() => 0).data, ...one.data]) };
    const h = hogRows(two, { side: SIDE });
    expect(Array.from(h.data.subarray(h.d))).toEqual(Array.from(hogRows(one, { side: SIDE }).data));
  });
});
