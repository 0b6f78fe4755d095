import { describe, expect, it } from 'vitest';
import { fitPca, projectPca, symmetricEigen } from '../../../lib/model';
import { mulberry32 } from '../../../lib/random';

describe('symmetricEigen', () => {
  it('decomposes a symmetric matrix into V diag(λ) Vᵀ', () => {
    const a = Float64Array.from([4, 1, 2, 1, 3, 0, 2, 0, 5]);
    const { values, vectors } = symmetricEigen(a, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let e = 0; e < 3; e++) s += vectors[i * 3 + e] * values[e] * vectors[j * 3 + e];
        expect(s).toBeCloseTo(a[i * 3 + j], 9);
      }
    }
    expect([...values].reduce((x, y) => x + y)).toBeCloseTo(12, 9); // the trace
  });
});

describe('fitPca', () => {
  it('finds the direction along which the data spreads', () => {
    const rand = mulberry32(3);
    const n = 200;
    const data = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const t = rand() * 10 - 5;
      data.set([t + 1, 2 * t - 1, 0.01 * (rand() - 0.5)], i * 3);
    }
    const pca = fitPca({ n, d: 3, data }, 1);
    const [x, y, z] = pca.components;
    expect(Math.abs(x)).toBeCloseTo(1 / Math.sqrt(5), 3);
    expect(Math.abs(y)).toBeCloseTo(2 / Math.sqrt(5), 3);
    expect(Math.abs(z)).toBeLessThan(1e-3);
    expect(pca.mean[0]).toBeCloseTo(1 + (pca.mean[1] + 1) / 2, 3); // the mean lies on the line
  });

  it('matches the exact top eigenvalues of the covariance on random data', () => {
    const rand = mulberry32(9);
    const n = 300;
    const d = 12;
    const data = new Float32Array(n * d);
    // Decaying variance per feature, then a fixed rotation-free mix keeps the spectrum known-ish.
    for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) data[i * d + f] = (rand() - 0.5) * (d - f);
    const pca = fitPca({ n, d, data }, 4);
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f] += data[i * d + f] / n;
    const cov = new Float64Array(d * d);
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] += ((data[i * d + a] - mean[a]) * (data[i * d + b] - mean[b])) / (n - 1);
    const exact = [...symmetricEigen(cov, d).values].sort((p, q) => q - p).slice(0, 4);
    for (let r = 0; r < 4; r++) expect(pca.variance[r] / exact[r]).toBeCloseTo(1, 3);
  });

  it('gives orthonormal components and is deterministic for a seed', () => {
    const rand = mulberry32(5);
    const n = 100;
    const d = 20;
    const data = Float32Array.from({ length: n * d }, () => rand());
    const a = fitPca({ n, d, data }, 5, { seed: 7 });
    const b = fitPca({ n, d, data }, 5, { seed: 7 });
    expect([...a.components]).toEqual([...b.components]);
    for (let p = 0; p < 5; p++) {
      for (let q = 0; q < 5; q++) {
        let dot = 0;
        for (let f = 0; f < d; f++) dot += a.components[p * d + f] * a.components[q * d + f];
        expect(dot).toBeCloseTo(p === q ? 1 : 0, 4);
      }
    }
  });

  it('projects centred rows onto the components', () => {
    const data = Float32Array.from([0, 0, 2, 0, 4, 0]);
    const pca = fitPca({ n: 3, d: 2, data }, 1);
    const out = projectPca(pca, { n: 3, d: 2, data });
    expect(out.d).toBe(1);
    expect(Math.abs(out.data[0])).toBeCloseTo(2, 5);
    expect(out.data[1]).toBeCloseTo(0, 5);
    expect(() => projectPca(pca, { n: 1, d: 3, data: new Float32Array(3) })).toThrow(/3 features/);
  });
});
