import { describe, expect, it } from 'vitest';
import { knnGraph, spreadLabels } from '../../../lib/model';
import { spreadViews } from '../../../lib/model/spreading';

/** Two tight groups far apart on a line: 0–4 near 0, 5–9 near 100. */
const twoGroups = () => knnGraph({ n: 10, d: 1, data: Float32Array.from([0, 1, 2, 3, 4, 100, 101, 102, 103, 104]) }, 2);
const argmax = (row: Float32Array) => row.indexOf(Math.max(...row));

describe('spreadLabels', () => {
  it('carries one label per group to the whole group', () => {
    const labels = Int32Array.from([0, -1, -1, -1, -1, -1, -1, -1, -1, 1]);
    const p = spreadLabels(twoGroups(), labels, 2);
    for (let i = 0; i < 10; i++) expect(argmax(p.data.subarray(i * 2, i * 2 + 2))).toBe(i < 5 ? 0 : 1);
  });

  it('gives every row a probability distribution', () => {
    const p = spreadLabels(twoGroups(), Int32Array.from([0, -1, 2, -1, -1, -1, 1, -1, -1, -1]), 3);
    for (let i = 0; i < 10; i++) {
      const row = [...p.data.subarray(i * 3, i * 3 + 3)];
      expect(row.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
      for (const v of row) expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  it('falls back to the smoothed class prior where no label reaches', () => {
    const p = spreadLabels(twoGroups(), Int32Array.from([0, 0, -1, -1, -1, -1, -1, -1, -1, -1]), 2);
    // The right-hand group is not connected to any label: prior (2 + 1) / (2 + 2), (0 + 1) / 4.
    expect(p.data[9 * 2]).toBeCloseTo(0.75, 5);
    expect(p.data[9 * 2 + 1]).toBeCloseTo(0.25, 5);
    const none = spreadLabels(twoGroups(), new Int32Array(10).fill(-1), 4);
    expect([...none.data.subarray(0, 4)].map((v) => +v.toFixed(5))).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('balances class mass to the label shares instead of letting a well-connected class flood the graph', () => {
    // One chain 0 … 9; class 0 labeled at both ends and in the middle, class 1 once near one end.
    const g = knnGraph({ n: 10, d: 1, data: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) }, 2);
    const labels = Int32Array.from([0, -1, -1, -1, 0, -1, -1, -1, 1, 0]);
    // A short α keeps this 10-node chain from being smoothed flat (0.99 suits graphs of thousands).
    const p = spreadLabels(g, labels, 2, { alpha: 0.5 });
    let mass1 = 0;
    for (let i = 0; i < 10; i++) mass1 += p.data[i * 2 + 1];
    // Class 1's share of the labels, smoothed: (1 + 1) / (4 + 2) = 1/3 of 10 nodes, roughly.
    expect(mass1).toBeGreaterThan(2);
    expect(mass1).toBeLessThan(4.5);
    expect(argmax(p.data.subarray(8 * 2, 8 * 2 + 2))).toBe(1);
  });

  it('refuses labels that do not fit the graph or the classes', () => {
    expect(() => spreadLabels(twoGroups(), new Int32Array(3), 2)).toThrow(/3 labels for 10 nodes/);
    expect(() => spreadLabels(twoGroups(), new Int32Array(10).fill(5), 2)).toThrow(/class 5/);
  });
});

describe('spreadViews', () => {
  // Two views of the same 10 items that group them differently: by position (0–4 | 5–9) and by parity.
  const byParity = () => knnGraph({ n: 10, d: 1, data: Float32Array.from([0, 100, 1, 101, 2, 102, 3, 103, 4, 104]) }, 2);
  const labels = Int32Array.from([0, -1, -1, -1, -1, -1, -1, -1, -1, 1]);

  it('is label spreading on the one graph when there is no other view', () => {
    expect(spreadViews({ graph: twoGroups() }, labels, 2)).toEqual(spreadLabels(twoGroups(), labels, 2));
    expect(spreadViews({ graph: twoGroups(), otherViews: [] }, labels, 2)).toEqual(spreadLabels(twoGroups(), labels, 2));
  });

  it('averages the class probabilities of every view, so rows still sum to 1', () => {
    const a = spreadLabels(twoGroups(), labels, 2);
    const b = spreadLabels(byParity(), labels, 2);
    const p = spreadViews({ graph: twoGroups(), otherViews: [byParity()] }, labels, 2);
    for (let i = 0; i < p.data.length; i++) expect(p.data[i]).toBeCloseTo((a.data[i] + b.data[i]) / 2, 6);
    for (let i = 0; i < 10; i++) expect(p.data[i * 2] + p.data[i * 2 + 1]).toBeCloseTo(1, 5);
  });
});
