import { describe, expect, it } from 'vitest';
import { fitErrorCurve, labelsForError, type CurvePoint } from '../../../lib/queue/curve';
import { parseStopTargets } from '../../../lib/queue/settings';
import { plateauGain, projectLabels, shouldStop } from '../../../lib/queue/stopping';

/** A curve on e(n) = a · n^(−b) + c, at the given label counts. */
const curveOf = (a: number, b: number, c: number, labels: number[]): CurvePoint[] => labels.map((n) => ({ labels: n, metric: 1 - (a * n ** -b + c) }));

describe('fitErrorCurve', () => {
  it('recovers a power law without a floor', () => {
    const fit = fitErrorCurve(curveOf(2, 0.5, 0, [10, 20, 40, 80]))!;
    expect(fit.a).toBeCloseTo(2, 6);
    expect(fit.b).toBeCloseTo(0.5, 6);
    expect(fit.c).toBe(0);
    expect(fit.points).toBe(4);
  });

  it('finds the error floor with 5 points or more', () => {
    const fit = fitErrorCurve(curveOf(3, 0.7, 0.04, [10, 20, 40, 80, 160, 320]))!;
    expect(fit.c).toBeGreaterThan(0.03);
    expect(fit.c).toBeLessThan(0.05);
    expect(fit.rmse).toBeLessThan(2e-3);
  });

  it('needs 3 points at distinct label counts', () => {
    expect(fitErrorCurve(curveOf(2, 0.5, 0, [10, 20]))).toBeNull();
    expect(fitErrorCurve(curveOf(2, 0.5, 0, [10, 10, 20]))).toBeNull();
    expect(fitErrorCurve([])).toBeNull();
  });

  it('projects the labels where the fitted error reaches a target', () => {
    const fit = { a: 2, b: 0.5, c: 0, rmse: 0, points: 4 };
    expect(labelsForError(fit, 0.1)).toBeCloseTo(400, 6);
    expect(labelsForError({ ...fit, c: 0.1 }, 0.1)).toBe(Infinity);
    expect(labelsForError({ ...fit, b: -0.1 }, 0.1)).toBe(Infinity);
  });
});

describe('projectLabels', () => {
  const target = parseStopTargets({ metric: { atLeast: 0.9 } });

  it('projects the labels still needed from the curve', () => {
    // e = 2 / √n reaches 0.1 at 400 labels; the curve is at 80.
    const p = projectLabels(curveOf(2, 0.5, 0, [10, 20, 40, 80]), target);
    expect(p.kind).toBe('projected');
    if (p.kind === 'projected') {
      expect(p.atLabels).toBe(400);
      expect(p.labelsNeeded).toBe(320);
    }
  });

  it('says when there are too few points, when the target is reached, and when there is no target', () => {
    expect(projectLabels(curveOf(2, 0.5, 0, [10, 20]), target)).toEqual({ kind: 'too-few-points', have: 2, need: 3 });
    expect(projectLabels([{ labels: 50, metric: 0.95 }], target)).toEqual({ kind: 'reached' });
    expect(projectLabels(curveOf(2, 0.5, 0, [10, 20, 40]), parseStopTargets({}))).toEqual({ kind: 'no-target' });
  });

  it('says the target is out of reach when the fitted floor is above it, or the curve does not improve', () => {
    const floor = projectLabels(curveOf(1, 0.8, 0.15, [10, 20, 40, 80, 160, 320]), target);
    expect(floor.kind).toBe('unreachable');
    if (floor.kind === 'unreachable') expect(floor.floor).toBeGreaterThan(0.1);
    const flat = projectLabels([{ labels: 10, metric: 0.6 }, { labels: 20, metric: 0.58 }, { labels: 40, metric: 0.55 }], target);
    expect(flat.kind).toBe('unreachable');
  });
});

describe('plateauGain', () => {
  it('is the best of the last k minus the best before them', () => {
    expect(plateauGain([0.5, 0.7, 0.69, 0.72], 2)).toBeCloseTo(0.02, 10);
    expect(plateauGain([0.5, 0.7], 2)).toBeNull();
  });
});

describe('shouldStop', () => {
  const rising = curveOf(2, 0.5, 0, [10, 20, 40, 80]);

  it('keeps going while no target is met, with the projection', () => {
    const d = shouldStop(rising, parseStopTargets({ metric: { atLeast: 0.9 }, plateau: { delta: 0.01, versions: 2 } }));
    expect(d.stop).toBe(false);
    expect(d.projection.kind).toBe('projected');
  });

  it('stops when the holdout metric reaches the target', () => {
    const d = shouldStop([...rising, { labels: 500, metric: 0.95 }], parseStopTargets({ metric: { atLeast: 0.9 } }));
    expect(d).toMatchObject({ stop: true, reason: 'target' });
    if (d.stop) expect(d.message).toBe('holdout metric 0.95 reached the target 0.9 at 500 labels');
  });

  it('stops on a plateau: less than δ gained over the last k versions', () => {
    const curve = [0.6, 0.8, 0.85, 0.853, 0.851, 0.852].map((m, j) => ({ labels: 10 * (j + 1), metric: m }));
    const d = shouldStop(curve, parseStopTargets({ metric: { atLeast: 0.95 }, plateau: { delta: 0.01, versions: 3 } }));
    expect(d).toMatchObject({ stop: true, reason: 'plateau' });
    if (d.stop) expect(d.message).toContain('improved by 0.003 over the last 3 model versions, less than 0.01');
    // One noisy low evaluation does not make a plateau when the best still rose.
    const noisy = [0.6, 0.7, 0.75, 0.5, 0.8].map((m, j) => ({ labels: 10 * (j + 1), metric: m }));
    expect(shouldStop(noisy, parseStopTargets({ plateau: { delta: 0.01, versions: 2 } })).stop).toBe(false);
  });

  it('stops when the pool uncertainty stops falling, over the versions that report it', () => {
    const curve = [0.5, 0.3, 0.2, 0.199, 0.198].map((u, j) => ({ labels: 10 * (j + 1), metric: 0.5 + j * 0.1, uncertainty: u }));
    const d = shouldStop(curve, parseStopTargets({ uncertaintyPlateau: { delta: 0.01, versions: 2 } }));
    expect(d).toMatchObject({ stop: true, reason: 'uncertainty-plateau' });
    expect(shouldStop(curve.slice(0, 3), parseStopTargets({ uncertaintyPlateau: { delta: 0.01, versions: 2 } })).stop).toBe(false);
  });

  it('stops when the budget is spent, and not before the curve has enough versions for a plateau', () => {
    expect(shouldStop(rising, parseStopTargets({}), { budgetLeft: 0 })).toMatchObject({ stop: true, reason: 'budget' });
    expect(shouldStop(rising.slice(0, 2), parseStopTargets({ plateau: { delta: 0.5, versions: 3 } })).stop).toBe(false);
    expect(shouldStop([], parseStopTargets({ metric: { atLeast: 0.9 } })).stop).toBe(false);
  });
});
