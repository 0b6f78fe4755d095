import { describe, expect, it } from 'vitest';
import { isTandemError } from '../../../lib/errors';
import {
  applyQueuePatch, DEFAULT_QUEUE_SETTINGS, parseBudgetSettings, parseQueueSettings, parseStopTargets,
} from '../../../lib/queue/settings';

/** The bad_request message a parse throws. */
function rejection(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isTandemError(e)).toBe(true);
    expect((e as { code: string }).code).toBe('bad_request');
    return (e as Error).message;
  }
  throw new Error('expected a bad_request error');
}

describe('queue settings', () => {
  it('fills every default', () => {
    expect(parseQueueSettings({})).toEqual({
      batchSize: 10, strategy: 'auto', easyShare: 0.2, maxHardInARow: 4, overlapShare: 0, overlapK: 2, tieBreak: 1,
      goldShare: 0, holdoutShare: 0.1, cold: 'stratified', diversity: 'spaced', shortlistFactor: 10,
    });
    expect(parseQueueSettings(undefined)).toEqual(DEFAULT_QUEUE_SETTINGS);
  });

  it('keeps the values it is given', () => {
    const s = parseQueueSettings({ batchSize: 25, strategy: 'margin', easyShare: 0.25, overlapShare: 0.1, overlapK: 3, goldShare: 0.05 });
    expect(s).toMatchObject({ batchSize: 25, strategy: 'margin', easyShare: 0.25, overlapShare: 0.1, overlapK: 3, goldShare: 0.05 });
  });

  it.each([
    [{ easyShare: 1.2 }, 'easyShare: a share is a fraction of the dealt items: at most 1'],
    [{ goldShare: -0.1 }, 'goldShare: a share cannot be negative'],
    [{ strategy: 'clairvoyant' }, 'strategy: unknown strategy'],
    [{ batchSize: 0 }, 'batchSize: batch size must be at least 1'],
    [{ batchSize: 101 }, 'batchSize: batch size must be at most 100'],
    [{ batchSize: 2.5 }, 'batchSize: batch size must be a whole number'],
    [{ maxHardInARow: 0 }, 'maxHardInARow: maxHardInARow must be at least 1'],
    [{ overlapK: 1 }, 'overlapK: overlapK must be at least 2'],
    [{ cold: 'lukewarm' }, 'cold:'],
    [{ easyShare: 0.5, holdoutShare: 0.3, goldShare: 0.3 }, 'together they must be at most 1'],
    [{ surprise: true }, 'surprise'],
  ])('rejects %j with a message naming the field', (raw, message) => {
    const m = rejection(() => parseQueueSettings(raw));
    expect(m).toContain('bad queue settings');
    expect(m).toContain(message);
  });

  it('accepts shares that sum to exactly 1', () => {
    expect(parseQueueSettings({ easyShare: 0.3, holdoutShare: 0.3, goldShare: 0.2, overlapShare: 0.2 }).easyShare).toBe(0.3);
  });
});

describe('a lead changing settings live', () => {
  const current = parseQueueSettings({ easyShare: 0.2, holdoutShare: 0.1 });

  it('changes only the fields given', () => {
    expect(applyQueuePatch(current, { easyShare: 0.3 })).toEqual({ ...current, easyShare: 0.3 });
    expect(applyQueuePatch(current, { strategy: 'badge', batchSize: 5 })).toEqual({ ...current, strategy: 'badge', batchSize: 5 });
  });

  it('rejects a change that breaks the whole (the share sum)', () => {
    expect(rejection(() => applyQueuePatch(current, { easyShare: 0.95 }))).toContain('together they must be at most 1');
  });

  it('rejects an empty change, an unknown field and an unknown strategy', () => {
    expect(rejection(() => applyQueuePatch(current, {}))).toContain('give at least one setting to change');
    expect(rejection(() => applyQueuePatch(current, { speed: 2 }))).toContain('speed');
    expect(rejection(() => applyQueuePatch(current, { strategy: 'nope' }))).toContain('unknown strategy');
  });
});

describe('budget settings', () => {
  it('defaults to no limits and keeps whole non-negative budgets', () => {
    expect(parseBudgetSettings({})).toEqual({ projectBudget: null, perAnnotatorBudget: null });
    expect(parseBudgetSettings({ projectBudget: 1000, perAnnotatorBudget: 0 })).toEqual({ projectBudget: 1000, perAnnotatorBudget: 0 });
  });

  it('rejects a negative or fractional budget', () => {
    expect(rejection(() => parseBudgetSettings({ projectBudget: -5 }))).toContain('projectBudget: a budget cannot be negative');
    expect(rejection(() => parseBudgetSettings({ perAnnotatorBudget: 1.5 }))).toContain('perAnnotatorBudget: a budget is a whole number of labels');
  });
});

describe('stopping targets', () => {
  it('parses targets and defaults to stopping when one is met', () => {
    const t = parseStopTargets({ metric: { atLeast: 0.95 }, plateau: { delta: 0.005, versions: 3 } });
    expect(t).toEqual({ metric: { atLeast: 0.95 }, plateau: { delta: 0.005, versions: 3 }, whenMet: 'stop' });
  });

  it('rejects a metric target above 1, a negative delta and zero versions', () => {
    expect(rejection(() => parseStopTargets({ metric: { atLeast: 1.5 } }))).toContain('metric.atLeast');
    expect(rejection(() => parseStopTargets({ plateau: { delta: -0.1, versions: 3 } }))).toContain('plateau.delta: delta cannot be negative');
    expect(rejection(() => parseStopTargets({ uncertaintyPlateau: { delta: 0.1, versions: 0 } }))).toContain('versions must be at least 1');
  });
});
