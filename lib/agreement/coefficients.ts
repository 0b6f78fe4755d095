import { TandemError } from '../errors';
import { codeRatings, isNumericLabel, type CodedRatings, type Rating } from './ratings';

/**
 * Inter-annotator agreement of class labels. Every coefficient reads only the items that at
 * least two annotators rated (an item rated once says nothing about agreement), and answers
 * null where it is undefined (no such item; no variation to disagree about).
 *
 * - percent agreement: the mean over items of the share of agreeing pairs among the item's
 *   pairs of ratings (for two annotators, the share of items they agree on).
 * - Cohen's kappa: for each pair of annotators, over the items both rated; the mean over the
 *   pairs where it is defined (Light's kappa, 1971, for more than two).
 * - Fleiss' kappa (1971): only when every such item has the same number of ratings.
 * - Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"),
 *   with missing ratings, at the nominal, ordinal, interval and ratio levels.
 */

export type Level = 'nominal' | 'ordinal' | 'interval' | 'ratio';
export const LEVELS: readonly Level[] = ['nominal', 'ordinal', 'interval', 'ratio'];

export interface Coefficients {
  krippendorffAlpha: number | null;
  fleissKappa: number | null;
  cohenKappa: number | null;
  percentAgreement: number | null;
}

type Input = readonly Rating[] | CodedRatings;
const coded = (r: Input): CodedRatings => ('start' in r ? r : codeRatings(r));

export function percentAgreement(r: Input): number | null {
  const c = coded(r);
  const counts = new Int32Array(c.labels.length);
  let sum = 0;
  let items = 0;
  for (let i = 0; i < c.items.length; i++) {
    const m = c.start[i + 1] - c.start[i];
    if (m < 2) continue;
    let agreeing = 0;
    for (let p = c.start[i]; p < c.start[i + 1]; p++) agreeing += 2 * counts[c.label[p]]++;
    for (let p = c.start[i]; p < c.start[i + 1]; p++) counts[c.label[p]] = 0;
    sum += agreeing / (m * (m - 1));
    items++;
  }
  return items === 0 ? null : sum / items;
}

/** Mean of Cohen's kappa over annotator pairs that rated an item in common. */
export function cohenKappa(r: Input): number | null {
  const c = coded(r);
  const K = c.labels.length;
  const A = c.annotators.length;
  // Per pair (a < b) that met, a slot of 2 + 2K numbers: items in common, agreements, a's label
  // counts, b's label counts. Slots are found through a dense A × A table while that is small
  // (teams), through a Map past it (crowds).
  const W = 2 + 2 * K;
  const dense = A <= 2048 ? new Int32Array(A * A).fill(-1) : null;
  const sparse = dense ? null : new Map<number, number>();
  let stats = new Float64Array(64 * W);
  let slots = 0;
  const slotOf = (key: number): number => {
    let s = dense ? dense[key] : (sparse!.get(key) ?? -1);
    if (s >= 0) return s;
    s = slots++;
    if (dense) dense[key] = s;
    else sparse!.set(key, s);
    if (slots * W > stats.length) {
      const grown = new Float64Array(stats.length * 2);
      grown.set(stats);
      stats = grown;
    }
    return s;
  };
  for (let i = 0; i < c.items.length; i++) {
    for (let p = c.start[i]; p < c.start[i + 1]; p++) {
      for (let q = p + 1; q < c.start[i + 1]; q++) {
        let [a, la, b, lb] = [c.annotator[p], c.label[p], c.annotator[q], c.label[q]];
        if (a > b) [a, la, b, lb] = [b, lb, a, la];
        const at = slotOf(a * A + b) * W;
        stats[at]++;
        if (la === lb) stats[at + 1]++;
        stats[at + 2 + la]++;
        stats[at + 2 + K + lb]++;
      }
    }
  }
  let sum = 0;
  let defined = 0;
  for (let s = 0; s < slots; s++) {
    const at = s * W;
    const n = stats[at];
    let pe = 0;
    for (let k = 0; k < K; k++) pe += (stats[at + 2 + k] / n) * (stats[at + 2 + K + k] / n);
    if (pe >= 1 - 1e-12) continue; // both gave one and the same class throughout: kappa is undefined
    sum += (stats[at + 1] / n - pe) / (1 - pe);
    defined++;
  }
  return defined === 0 ? null : sum / defined;
}

/** Fleiss' kappa over the items rated at least twice; null when they have unequal numbers of ratings. */
export function fleissKappa(r: Input): number | null {
  const c = coded(r);
  const K = c.labels.length;
  let m = 0;
  for (let i = 0; i < c.items.length; i++) {
    const mi = c.start[i + 1] - c.start[i];
    if (mi < 2) continue;
    if (m === 0) m = mi;
    else if (mi !== m) return null;
  }
  if (m === 0) return null;
  const totals = new Float64Array(K);
  let items = 0;
  for (let i = 0; i < c.items.length; i++) {
    if (c.start[i + 1] - c.start[i] < 2) continue;
    items++;
    for (let p = c.start[i]; p < c.start[i + 1]; p++) totals[c.label[p]]++;
  }
  let pe = 0;
  for (let k = 0; k < K; k++) pe += (totals[k] / (items * m)) ** 2;
  if (pe >= 1 - 1e-12) return null;
  const po = percentAgreement(c) as number;
  return (po - pe) / (1 - pe);
}

/**
 * Krippendorff's alpha: 1 − (n − 1)·Σ o_ck δ²_ck / Σ n_c n_k δ²_ck over the coincidence matrix
 * o of the pairable values. Ordinal ranks follow the label order (`labelOrder`: numbers as
 * numbers); interval and ratio need numeric labels and refuse others (bad_request, naming one).
 */
export function krippendorffAlpha(r: Input, level: Level): number | null {
  const c = coded(r);
  const K = c.labels.length;
  const o = new Float64Array(K * K);
  const counts = new Float64Array(K);
  const touched: number[] = [];
  for (let i = 0; i < c.items.length; i++) {
    const m = c.start[i + 1] - c.start[i];
    if (m < 2) continue;
    for (let p = c.start[i]; p < c.start[i + 1]; p++) {
      if (counts[c.label[p]]++ === 0) touched.push(c.label[p]);
    }
    for (const a of touched) {
      for (const b of touched) o[a * K + b] += (counts[a] * (a === b ? counts[a] - 1 : counts[b])) / (m - 1);
    }
    for (const a of touched) counts[a] = 0;
    touched.length = 0;
  }
  const nc = new Float64Array(K);
  let n = 0;
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) nc[a] += o[a * K + b];
  for (let a = 0; a < K; a++) n += nc[a];
  if (n < 2) return null;
  const d2 = distances(c.labels, nc, level);
  let observed = 0;
  let expected = 0;
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) {
      observed += o[a * K + b] * d2[a * K + b];
      expected += nc[a] * nc[b] * d2[a * K + b];
    }
  }
  if (expected <= 0) return null; // every pairable value the same: nothing to disagree about
  return 1 - ((n - 1) * observed) / expected;
}

/** δ² between every two labels at a level (Krippendorff 2011, section C). */
function distances(labels: readonly string[], nc: Float64Array, level: Level): Float64Array {
  const K = labels.length;
  const d2 = new Float64Array(K * K);
  if (level === 'nominal') {
    for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) d2[a * K + b] = a === b ? 0 : 1;
    return d2;
  }
  if (level === 'ordinal') {
    // Labels are already in rank order; δ² = (Σ_{g=a..b} n_g − (n_a + n_b)/2)².
    const cum = new Float64Array(K + 1);
    for (let g = 0; g < K; g++) cum[g + 1] = cum[g] + nc[g];
    for (let a = 0; a < K; a++) {
      for (let b = 0; b < K; b++) {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        d2[a * K + b] = (cum[hi + 1] - cum[lo] - (nc[a] + nc[b]) / 2) ** 2;
      }
    }
    return d2;
  }
  const bad = labels.find((l) => !isNumericLabel(l));
  if (bad !== undefined) throw new TandemError('bad_request', `label "${bad}" is not a number: the ${level} level needs numeric labels (use --level nominal or ordinal for classes)`);
  const v = labels.map(Number);
  if (level === 'ratio' && v.some((x) => x < 0)) {
    throw new TandemError('bad_request', `label "${labels[v.findIndex((x) => x < 0)]}" is negative: the ratio level needs values from an absolute zero up`);
  }
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) {
      const diff = v[a] - v[b];
      if (level === 'interval') d2[a * K + b] = diff * diff;
      else d2[a * K + b] = v[a] + v[b] === 0 ? 0 : (diff / (v[a] + v[b])) ** 2;
    }
  }
  return d2;
}

/**
 * The coefficients by name, as pages and the CLI list them: a title, what the number means,
 * and the function (one registry, like lib/al/strategies.ts, so that a new measure is one entry).
 */
export const COEFFICIENTS: Record<keyof Coefficients, { title: string; description: string; compute: (r: Input, level: Level) => number | null }> = {
  krippendorffAlpha: {
    title: "Krippendorff's alpha",
    description: '1 − observed / expected disagreement over items rated twice or more, missing ratings allowed, at the chosen level; 1 perfect, 0 chance, ≥ 0.8 is the usual bar for reliable data',
    compute: krippendorffAlpha,
  },
  fleissKappa: {
    title: "Fleiss' kappa",
    description: 'agreement beyond chance for a fixed number of raters per item; null when items have unequal numbers of ratings',
    compute: (r) => fleissKappa(r),
  },
  cohenKappa: {
    title: "Cohen's kappa",
    description: 'agreement beyond chance of each pair of annotators on the items both rated, averaged over the pairs',
    compute: (r) => cohenKappa(r),
  },
  percentAgreement: {
    title: 'percent agreement',
    description: 'share of agreeing pairs of answers per item, averaged over items rated twice or more; not corrected for chance',
    compute: (r) => percentAgreement(r),
  },
};

/** All four coefficients, coding the ratings once. */
export function coefficients(r: Input, level: Level): Coefficients {
  const c = coded(r);
  return {
    krippendorffAlpha: COEFFICIENTS.krippendorffAlpha.compute(c, level),
    fleissKappa: COEFFICIENTS.fleissKappa.compute(c, level),
    cohenKappa: COEFFICIENTS.cohenKappa.compute(c, level),
    percentAgreement: COEFFICIENTS.percentAgreement.compute(c, level),
  };
}
