import { mulberry32 } from '../random';
import type { Embeddings } from '../al/types';

/** A fitted PCA: the data mean and c orthonormal directions (c × d, row-major), largest variance first. */
export interface Pca {
  d: number;
  c: number;
  mean: Float32Array;
  components: Float32Array;
  /** Variance along each direction. */
  variance: Float32Array;
}

export interface PcaOptions {
  seed?: number;
  /** Extra random directions beyond c (randomised range finder). */
  oversample?: number;
  /** Power iterations: more sharpen the spectrum when it decays slowly. */
  powerIterations?: number;
}

/**
 * PCA by a randomised range finder (Halko, Martinsson & Tropp 2011): project
 * the centred data on c + p random directions, sharpen with power iterations,
 * and solve the small (c + p)² eigenproblem. A full SVD of 10k × 784 took
 * 113 s with ml-pca here (FACTS.md); this takes about a second and agrees with
 * the exact directions to within the tests' tolerance. Deterministic for a seed.
 */
export function fitPca(x: Embeddings, components: number, opts: PcaOptions = {}): Pca {
  const { n, d } = x;
  const c = Math.max(1, Math.min(components, d, Math.max(1, n - 1)));
  const l = Math.min(d, n, c + (opts.oversample ?? 10));
  const mean = new Float32Array(d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f] += x.data[i * d + f];
  for (let f = 0; f < d; f++) mean[f] /= Math.max(1, n);
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) centred[i * d + f] = x.data[i * d + f] - mean[f];

  const rand = mulberry32(opts.seed ?? 1);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  let omega: Float64Array = new Float64Array(d * l).map(gauss); // d × l
  const centredT = transpose(centred, n, d);
  let y = mulAB(centred, n, d, omega, l); // n × l
  orthonormalise(y, n, l);
  for (let it = 0; it < (opts.powerIterations ?? 2); it++) {
    omega = mulAtB(centredT, n, d, y, l); // d × l
    orthonormalise(omega, d, l);
    y = mulAB(centred, n, d, omega, l);
    orthonormalise(y, n, l);
  }
  // B = Qᵀ X (l × d); the right singular vectors of B are the principal directions.
  const b = mulAtB(transpose(y, n, l), n, l, centred, d); // l × d
  const bbt = new Float64Array(l * l);
  for (let i = 0; i < l; i++) {
    for (let j = i; j < l; j++) {
      let s = 0;
      for (let f = 0; f < d; f++) s += b[i * d + f] * b[j * d + f];
      bbt[i * l + j] = s;
      bbt[j * l + i] = s;
    }
  }
  const { values, vectors } = symmetricEigen(bbt, l);
  const order = Array.from({ length: l }, (_, i) => i).sort((p, q) => values[q] - values[p]);
  const out = new Float32Array(c * d);
  const variance = new Float32Array(c);
  for (let r = 0; r < c; r++) {
    const e = order[r];
    const sigma = Math.sqrt(Math.max(values[e], 0));
    variance[r] = (sigma * sigma) / Math.max(1, n - 1);
    // v = Bᵀ u / σ
    let norm = 0;
    const v = new Float64Array(d);
    for (let i = 0; i < l; i++) {
      const u = vectors[i * l + e];
      if (u === 0) continue;
      for (let f = 0; f < d; f++) v[f] += b[i * d + f] * u;
    }
    for (let f = 0; f < d; f++) norm += v[f] * v[f];
    norm = Math.sqrt(norm) || 1;
    // Fix the sign so results do not flip between runs of the eigen solver.
    let big = 0;
    for (let f = 0; f < d; f++) if (Math.abs(v[f]) > Math.abs(v[big])) big = f;
    const sign = v[big] < 0 ? -1 : 1;
    for (let f = 0; f < d; f++) out[r * d + f] = (sign * v[f]) / norm;
  }
  return { d, c, mean, components: out, variance };
}

/** Rows of x in PCA coordinates (n × c). */
export function projectPca(pca: Pca, x: Embeddings): Embeddings {
  if (x.d !== pca.d) throw new Error(`projectPca: data has ${x.d} features, the PCA was fitted on ${pca.d}`);
  const { n, d } = x;
  const { c, mean, components } = pca;
  const out = new Float32Array(n * c);
  const row = new Float64Array(d);
  // Four directions per pass over the row (each sum in the same order as one at a time).
  const c4 = c - (c % 4);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) row[f] = x.data[i * d + f] - mean[f];
    for (let r = 0; r < c4; r += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      const b0 = r * d, b1 = b0 + d, b2 = b1 + d, b3 = b2 + d;
      for (let f = 0; f < d; f++) {
        const v = row[f];
        s0 += v * components[b0 + f];
        s1 += v * components[b1 + f];
        s2 += v * components[b2 + f];
        s3 += v * components[b3 + f];
      }
      out[i * c + r] = s0;
      out[i * c + r + 1] = s1;
      out[i * c + r + 2] = s2;
      out[i * c + r + 3] = s3;
    }
    for (let r = c4; r < c; r++) {
      let s = 0;
      const base = r * d;
      for (let f = 0; f < d; f++) s += row[f] * components[base + f];
      out[i * c + r] = s;
    }
  }
  return { n, d: c, data: out };
}

/**
 * The products below are dot products of contiguous rows, four outputs at a time, each sum taken
 * over the shared index in ascending order: the same arithmetic as the textbook triple loop
 * (a zero term adds nothing), so a fit is bit for bit what it was, in a third of the time (the
 * row-times-row form keeps each sum in a register instead of reading and writing it per term).
 */

/** The m × n transpose of an n × m matrix. */
function transpose(a: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) out[k * n + i] = a[i * m + k];
  return out;
}

/** out[i][j] = Σₖ rows[i][k] · cols[j][k]: rows n × m and cols l × m, both row-major. */
function rowDots(rows: Float64Array, n: number, m: number, cols: Float64Array, l: number): Float64Array {
  const out = new Float64Array(n * l);
  const l4 = l - (l % 4);
  for (let i = 0; i < n; i++) {
    const a = i * m;
    const o = i * l;
    for (let j = 0; j < l4; j += 4) {
      const b0 = j * m, b1 = b0 + m, b2 = b1 + m, b3 = b2 + m;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < m; k++) {
        const v = rows[a + k];
        s0 += v * cols[b0 + k];
        s1 += v * cols[b1 + k];
        s2 += v * cols[b2 + k];
        s3 += v * cols[b3 + k];
      }
      out[o + j] = s0;
      out[o + j + 1] = s1;
      out[o + j + 2] = s2;
      out[o + j + 3] = s3;
    }
    for (let j = l4; j < l; j++) {
      const b = j * m;
      let s = 0;
      for (let k = 0; k < m; k++) s += rows[a + k] * cols[b + k];
      out[o + j] = s;
    }
  }
  return out;
}

/** A (n × m) · B (m × l). */
function mulAB(a: Float64Array, n: number, m: number, b: Float64Array, l: number): Float64Array {
  return rowDots(a, n, m, transpose(b, m, l), l);
}

/** Aᵀ · B with A given as its transpose aT (m × n) and B (n × l): an m × l product. */
function mulAtB(aT: Float64Array, n: number, m: number, b: Float64Array, l: number): Float64Array {
  return rowDots(aT, m, n, transpose(b, n, l), l);
}

/**
 * Modified Gram–Schmidt on the l columns of an n × l matrix, in place. The
 * columns are worked on in a contiguous copy (l × n): the same arithmetic in
 * the same order, without striding through memory (6 of the 10 s of a fit on
 * 50k × 128 went to the strided reads).
 */
function orthonormalise(a: Float64Array, n: number, l: number): void {
  const cols = new Float64Array(n * l);
  for (let i = 0; i < n; i++) for (let j = 0; j < l; j++) cols[j * n + i] = a[i * l + j];
  for (let j = 0; j < l; j++) {
    const cj = j * n;
    for (let p = 0; p < j; p++) {
      const cp = p * n;
      let dot = 0;
      for (let i = 0; i < n; i++) dot += cols[cj + i] * cols[cp + i];
      for (let i = 0; i < n; i++) cols[cj + i] -= dot * cols[cp + i];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += cols[cj + i] ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-12) continue; // a rank-deficient direction stays zero
    for (let i = 0; i < n; i++) cols[cj + i] /= norm;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < l; j++) a[i * l + j] = cols[j * n + i];
}

/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations:
 * exact enough and simple for the (c + p)² matrices PCA leaves us with.
 * Returns the eigenvalues and the eigenvectors as columns (n × n).
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cos = 1 / Math.sqrt(t * t + 1);
        const sin = t * cos;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = cos * akp - sin * akq;
          a[k * n + q] = sin * akp + cos * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = cos * apk - sin * aqk;
          a[q * n + k] = sin * apk + cos * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = cos * vkp - sin * vkq;
          v[k * n + q] = sin * vkp + cos * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: v };
}
