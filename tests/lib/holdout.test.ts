import { describe, expect, it } from 'vitest';
import { splitForGroup } from '../../lib/holdout';

describe('splitForGroup', () => {
  it('puts every item of a group on the same side', () => {
    expect(splitForGroup('video-7', 0.5, 3)).toBe(splitForGroup('video-7', 0.5, 3));
  });
  it('draws close to the asked fraction over many groups', () => {
    const n = 10_000;
    const holdout = Array.from({ length: n }, (_, i) => splitForGroup(`g${i}`, 0.1, 1)).filter((s) => s === 'holdout').length;
    expect(holdout / n).toBeGreaterThan(0.09);
    expect(holdout / n).toBeLessThan(0.11);
  });
  it('changes with the seed', () => {
    const a = Array.from({ length: 200 }, (_, i) => splitForGroup(`g${i}`, 0.5, 1));
    const b = Array.from({ length: 200 }, (_, i) => splitForGroup(`g${i}`, 0.5, 2));
    expect(a).not.toEqual(b);
  });
  it('rejects a fraction outside [0, 1]', () => {
    expect(() => splitForGroup('g', 1.5, 1)).toThrow(RangeError);
  });
});
