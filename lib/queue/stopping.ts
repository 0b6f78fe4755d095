import { fitErrorCurve, labelsForError, MIN_POINTS, type CurvePoint, type PowerLawFit } from './curve';
import type { StopTargets } from './settings';

/**
 * Stopping rules on the holdout learning curve (one point per model version, oldest
 * first), and the projection of the labels still needed to reach the metric target.
 */

export type StopReason = 'target' | 'plateau' | 'uncertainty-plateau' | 'budget';

/** Labels still needed to reach the metric target, from the fitted curve (see curve.ts). */
export type Projection =
  | { kind: 'no-target' }
  | { kind: 'reached' }
  | { kind: 'too-few-points'; have: number; need: number }
  | { kind: 'projected'; labelsNeeded: number; atLabels: number; fit: PowerLawFit }
  /** The fitted error floor (or a curve that does not fall) says the target is out of reach. */
  | { kind: 'unreachable'; floor: number; fit: PowerLawFit };

export type StopDecision =
  | { stop: true; reason: StopReason; message: string; projection: Projection }
  | { stop: false; projection: Projection };

export interface StopContext {
  /** Items the budgets still allow (see `remainingBudget`); 0 stops the project. */
  budgetLeft?: number;
}

const fmt = (x: number) => String(+x.toFixed(4));

/**
 * Whether to stop, and why. Rules, first match wins:
 * - target: the latest version's metric ≥ the target;
 * - plateau: the best metric of the last k versions beats the best before them by less
 *   than δ (needs k + 1 versions). Comparing bests rather than endpoints keeps one noisy
 *   evaluation from either stopping or prolonging the project;
 * - uncertainty plateau: the same on the pool's mean uncertainty (lower is better), over
 *   the versions that report it;
 * - budget: no label left in the budget.
 */
export function shouldStop(curve: readonly CurvePoint[], targets: StopTargets, ctx: StopContext = {}): StopDecision {
  const projection = projectLabels(curve, targets);
  const last = curve[curve.length - 1];
  if (targets.metric && last && last.metric >= targets.metric.atLeast) {
    return { stop: true, reason: 'target', message: `holdout metric ${fmt(last.metric)} reached the target ${fmt(targets.metric.atLeast)} at ${last.labels} labels`, projection };
  }
  if (targets.plateau) {
    const gain = plateauGain(curve.map((p) => p.metric), targets.plateau.versions);
    if (gain !== null && gain < targets.plateau.delta) {
      return {
        stop: true, reason: 'plateau', projection,
        message: `holdout metric improved by ${fmt(gain)} over the last ${targets.plateau.versions} model versions, less than ${fmt(targets.plateau.delta)}`,
      };
    }
  }
  if (targets.uncertaintyPlateau) {
    const u = curve.filter((p) => p.uncertainty !== undefined && Number.isFinite(p.uncertainty)).map((p) => -(p.uncertainty as number));
    const gain = plateauGain(u, targets.uncertaintyPlateau.versions);
    if (gain !== null && gain < targets.uncertaintyPlateau.delta) {
      return {
        stop: true, reason: 'uncertainty-plateau', projection,
        message: `pool uncertainty fell by ${fmt(gain)} over the last ${targets.uncertaintyPlateau.versions} model versions, less than ${fmt(targets.uncertaintyPlateau.delta)}`,
      };
    }
  }
  if (ctx.budgetLeft !== undefined && ctx.budgetLeft <= 0) {
    return { stop: true, reason: 'budget', message: 'the label budget is spent', projection };
  }
  return { stop: false, projection };
}

/** Best of the last k values minus the best before them; null with fewer than k + 1 values. */
export function plateauGain(values: readonly number[], k: number): number | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length < k + 1) return null;
  const cut = finite.length - k;
  return Math.max(...finite.slice(cut)) - Math.max(...finite.slice(0, cut));
}

/** The labels still needed to reach the metric target, from a power-law fit of the error curve. */
export function projectLabels(curve: readonly CurvePoint[], targets: StopTargets): Projection {
  if (!targets.metric) return { kind: 'no-target' };
  const target = targets.metric.atLeast;
  const last = curve[curve.length - 1];
  if (last && last.metric >= target) return { kind: 'reached' };
  const fit = fitErrorCurve(curve);
  if (!fit) {
    const have = new Set(curve.filter((p) => p.labels > 0 && Number.isFinite(p.metric)).map((p) => p.labels)).size;
    return { kind: 'too-few-points', have, need: MIN_POINTS };
  }
  const at = labelsForError(fit, 1 - target);
  if (!Number.isFinite(at) || at > Number.MAX_SAFE_INTEGER) return { kind: 'unreachable', floor: fit.b > 0 ? fit.c : 1 - Math.max(...curve.map((p) => p.metric)), fit };
  const now = Math.max(...curve.map((p) => p.labels));
  const atLabels = Math.ceil(at);
  return { kind: 'projected', labelsNeeded: Math.max(0, atLabels - now), atLabels, fit };
}
