import type { Probs } from '../al/types';

export interface Metrics {
  accuracy: number;
  macroF1: number;
  logLoss: number;
  /** Expected calibration error over equal-width confidence bins. */
  ece: number;
  holdoutSize: number;
}

const EPS = 1e-7;

/**
 * Holdout metrics of a model's probabilities on the given rows (`truth[row]`
 * is the known class): accuracy, macro-F1 over the classes present in the
 * truth or the predictions, log loss (probabilities clipped at 1e-7), and
 * ECE with `bins` equal-width bins of the top-class confidence (Guo et al. 2017).
 */
export function holdoutMetrics(probs: Probs, truth: Int32Array, rows: Int32Array, bins = 15): Metrics {
  const { k, data } = probs;
  const m = rows.length;
  if (m === 0) return { accuracy: 0, macroF1: 0, logLoss: 0, ece: 0, holdoutSize: 0 };
  const tp = new Float64Array(k);
  const fp = new Float64Array(k);
  const fn = new Float64Array(k);
  const binCount = new Float64Array(bins);
  const binConf = new Float64Array(bins);
  const binCorrect = new Float64Array(bins);
  let correct = 0;
  let logLoss = 0;
  for (const row of rows) {
    const t = truth[row];
    if (t < 0 || t >= k) throw new Error(`holdoutMetrics: row ${row} has no known class`);
    let best = 0;
    for (let c = 1; c < k; c++) if (data[row * k + c] > data[row * k + best]) best = c;
    const conf = data[row * k + best];
    const hit = best === t;
    if (hit) { correct++; tp[t]++; } else { fp[best]++; fn[t]++; }
    logLoss -= Math.log(Math.min(1, Math.max(EPS, data[row * k + t])));
    const b = Math.min(bins - 1, Math.floor(conf * bins));
    binCount[b]++;
    binConf[b] += conf;
    binCorrect[b] += hit ? 1 : 0;
  }
  let f1Sum = 0;
  let present = 0;
  for (let c = 0; c < k; c++) {
    if (tp[c] + fp[c] + fn[c] === 0) continue;
    present++;
    f1Sum += (2 * tp[c]) / (2 * tp[c] + fp[c] + fn[c]);
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (binCount[b] > 0) ece += Math.abs(binConf[b] - binCorrect[b]);
  return {
    accuracy: correct / m,
    macroF1: present > 0 ? f1Sum / present : 0,
    logLoss: logLoss / m,
    ece: Math.min(1, ece / m),
    holdoutSize: m,
  };
}
