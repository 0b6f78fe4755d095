import type { Probs } from '../al/types';

/**
 * Does the model's uncertainty predict its errors, and how much does its ranking move between
 * versions? Measures the model page shows per version, computed by the trainer on the random
 * holdout (so they say how the model does on items nobody chose) and on its own two rankings.
 * Pure: arrays in, numbers out.
 */

/**
 * Area under the ROC curve of `scores` for telling `positive` rows from the others: the chance
 * that a random positive outscores a random negative, ties counting half (Mann–Whitney U / n₊n₋).
 * Null when either side is empty (no errors, or no correct answers: nothing to tell apart).
 */
export function auroc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number | null {
  const m = scores.length;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let rankSumPos = 0;
  // Midranks over runs of equal scores, 1-based.
  for (let s = 0; s < m;) {
    let e = s;
    while (e + 1 < m && scores[order[e + 1]] === scores[order[s]]) e++;
    const mid = (s + e) / 2 + 1;
    for (let j = s; j <= e; j++) if (positive[order[j]]) { pos++; rankSumPos += mid; }
    s = e + 1;
  }
  const neg = m - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface ReliabilityBin {
  /** Lower and upper edge of the bin of top-class confidence. */
  lo: number;
  hi: number;
  count: number;
  /** Mean top-class confidence and share correct in the bin (null when empty). */
  confidence: number | null;
  accuracy: number | null;
}

/**
 * A reliability diagram of the top-class confidence in `bins` equal-width bins over [0, 1] (the
 * last bin includes 1), and the expected calibration error: Σ_b (n_b / n)·|acc_b − conf_b|
 * (Guo et al. 2017).
 */
export function reliability(probs: Probs, truth: Int32Array, rows: Int32Array, bins = 10): { bins: ReliabilityBin[]; ece: number } {
  const { k, data } = probs;
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const hit = new Float64Array(bins);
  for (const row of rows) {
    let best = 0;
    for (let c = 1; c < k; c++) if (data[row * k + c] > data[row * k + best]) best = c;
    const p = data[row * k + best];
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    count[b]++;
    conf[b] += p;
    if (best === truth[row]) hit[b]++;
  }
  let ece = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const n = count[b];
    if (n > 0) ece += Math.abs(hit[b] - conf[b]);
    out.push({ lo: b / bins, hi: (b + 1) / bins, count: n, confidence: n > 0 ? conf[b] / n : null, accuracy: n > 0 ? hit[b] / n : null });
  }
  return { bins: out, ece: rows.length > 0 ? ece / rows.length : 0 };
}

/** Below this AUROC the uncertainty ranks the model's errors little better than chance (0.5). */
export const INFORMATIVE_AUROC = 0.6;

/** Whether the acquisition score can be trusted to point at errors, in words the model page shows. */
export type UncertaintyVerdict =
  | { kind: 'unknown'; sentence: string }
  | { kind: 'informative'; sentence: string }
  | { kind: 'uninformative'; sentence: string; recommendation: string };

export function uncertaintyVerdict(auc: number | null | undefined): UncertaintyVerdict {
  if (auc === null || auc === undefined || !Number.isFinite(auc)) {
    return { kind: 'unknown', sentence: 'Not measured yet: the holdout needs labeled items the model gets right and items it gets wrong.' };
  }
  const pct = (auc * 100).toFixed(0);
  if (auc >= INFORMATIVE_AUROC) {
    return { kind: 'informative', sentence: `Uncertainty predicts errors: a holdout item the model gets wrong is ranked more uncertain than one it gets right ${pct}% of the time (AUROC ${auc.toFixed(2)}).` };
  }
  return {
    kind: 'uninformative',
    sentence: `Uncertainty does not predict errors here: AUROC ${auc.toFixed(2)} (0.5 is chance, below ${INFORMATIVE_AUROC} is not trusted), so asking for the most uncertain items is little better than asking at random.`,
    recommendation: 'Use a diversity or low-budget strategy (typical-cluster, probcover or kcenter) until the model has seen more labels; auto does this while uncertainty is not trusted.',
  };
}

/**
 * How much two rankings of the same items agree: the share of the first `top` items they have
 * in common, and Spearman's rank correlation over the items both ranked (ranks renumbered
 * 1 … m within those items). `a` and `b` are item ids in rank order. Null correlation with fewer
 * than two shared items.
 */
export function rankingChurn(a: ArrayLike<number>, b: ArrayLike<number>, top = 100): { topOverlap: number | null; rankCorrelation: number | null; shared: number } {
  const t = Math.min(top, a.length, b.length);
  const headA = new Set(Array.from({ length: t }, (_, i) => a[i]));
  let both = 0;
  for (let i = 0; i < t; i++) if (headA.has(b[i])) both++;
  const posB = new Map<number, number>();
  for (let i = 0; i < b.length; i++) posB.set(b[i], i);
  // Shared items in a's order, with their position in b.
  const inB: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const p = posB.get(a[i]);
    if (p !== undefined) inB.push(p);
  }
  const m = inB.length;
  let rho: number | null = null;
  if (m >= 2) {
    // Ranks in a are 0 … m−1 (a's order); ranks in b are inB's order statistics.
    const rankB = new Float64Array(m);
    Array.from({ length: m }, (_, i) => i).sort((x, y) => inB[x] - inB[y]).forEach((i, r) => { rankB[i] = r; });
    let d2 = 0;
    for (let i = 0; i < m; i++) d2 += (i - rankB[i]) ** 2;
    rho = 1 - (6 * d2) / (m * (m * m - 1));
  }
  return { topOverlap: t > 0 ? both / t : null, rankCorrelation: rho, shared: m };
}

/** The uncertainty above which an item counts as one the model "still finds uncertain": the open pool's 90th percentile. */
export const STILL_UNCERTAIN_QUANTILE = 0.9;

/**
 * The share of labeled items whose uncertainty under the new model is at least the open pool's
 * STILL_UNCERTAIN_QUANTILE quantile: a strategy that keeps asking for one kind of item the model
 * cannot learn shows up as labeled items that stay as uncertain as the most uncertain open ones.
 * Null without labeled or open items.
 */
export function labeledStillUncertain(uncertainty: ArrayLike<number>, labeledRows: ArrayLike<number>, openRows: ArrayLike<number>, quantile = STILL_UNCERTAIN_QUANTILE): number | null {
  if (labeledRows.length === 0 || openRows.length === 0) return null;
  const open = Float64Array.from(openRows, (r) => uncertainty[r]).sort();
  const cut = open[Math.min(open.length - 1, Math.floor(quantile * open.length))];
  let still = 0;
  for (let i = 0; i < labeledRows.length; i++) if (uncertainty[labeledRows[i]] >= cut) still++;
  return still / labeledRows.length;
}
