import { describe, expect, it } from 'vitest';
import { projectState } from '../../../lib/queue/project-state';

const base = { paused: false, stopped: null, whenMet: 'stop' as const, budgetRemaining: null };
const stop = { reason: 'target', message: 'accuracy reached 0.9.' };

describe('projectState', () => {
  it('is open when nothing holds the project back, and when budget is left', () => {
    expect(projectState(base)).toEqual({ kind: 'open' });
    expect(projectState({ ...base, budgetRemaining: 3 })).toEqual({ kind: 'open' });
  });

  it('lets a pause beat a stop and a spent budget', () => {
    expect(projectState({ ...base, paused: true, stopped: stop, budgetRemaining: 0 }).kind).toBe('paused');
  });

  it('stops, or narrows to holdout items, as the targets say when met', () => {
    expect(projectState({ ...base, stopped: stop })).toEqual({ kind: 'stopped', ...stop });
    expect(projectState({ ...base, stopped: stop, whenMet: 'holdout-only' }))
      .toEqual({ kind: 'holdout-only', reason: 'target', message: 'accuracy reached 0.9. Only holdout items are dealt now.' });
  });

  it('says the budget is spent only at zero', () => {
    expect(projectState({ ...base, budgetRemaining: 0 }).kind).toBe('budget');
  });
});
