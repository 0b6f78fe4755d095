import { hashUnit } from './random';

export type Split = 'pool' | 'holdout';

/**
 * Draws the holdout by group: every item of a group (a video, a patient, a
 * source file) lands on the same side, so the holdout never leaks into
 * training through a sibling. The draw depends only on the group name and the
 * seed, so re-importing the same data gives the same split.
 */
export function splitForGroup(group: string, fraction: number, seed: number): Split {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`holdout fraction must be in [0, 1], got ${fraction}`);
  return hashUnit(group, seed) < fraction ? 'holdout' : 'pool';
}
