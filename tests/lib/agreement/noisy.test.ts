import { describe, expect, it } from 'vitest';
import { consensus } from '../../../lib/agreement/consensus';
import { noisyAnnotators } from '../../../lib/agreement/noisy';
import type { Rating } from '../../../lib/agreement/ratings';
import { mulberry32 } from '../../../lib/random';

/** `items` items of 10 classes, each rated by `k` of the annotators; annotator j errs at rate errors[j], to a random other class. */
function team(seed: number, items: number, k: number, errors: number[]): Rating[] {
  const rng = mulberry32(seed);
  const out: Rating[] = [];
  for (let i = 0; i < items; i++) {
    const truth = Math.floor(rng() * 10);
    const who = errors.map((_, j) => j).sort(() => rng() - 0.5).slice(0, k);
    for (const j of who) {
      const label = rng() < errors[j] ? (truth + 1 + Math.floor(rng() * 9)) % 10 : truth;
      out.push({ item: `i${i}`, annotator: `a${j}`, label: String(label) });
    }
  }
  return out;
}

const verdicts = (r: Rating[], opts?: Parameters<typeof noisyAnnotators>[2]) =>
  noisyAnnotators(consensus(r, { method: 'dawid-skene' }), r, opts);

describe('noisy annotators', () => {
  it('flags the annotator who answers at random 30% of the time, with the evidence in words', () => {
    const r = team(1, 300, 2, [0.03, 0.02, 0.3, 0.05, 0.04]);
    const v = verdicts(r);
    expect(v.filter((x) => x.noisy).map((x) => x.annotator)).toEqual(['a2']);
    const a2 = v.find((x) => x.annotator === 'a2')!;
    expect(a2.evidence.overlapped).toBeGreaterThan(100);
    expect(a2.evidence.accuracy!).toBeLessThan(a2.evidence.teamMedian! - 0.1);
    expect(a2.evidence.reason).toMatch(/^estimated accuracy 0\.\d\d is 0\.\d\d below the team median 0\.\d\d over \d+ overlapped answers$/);
    expect(v.find((x) => x.annotator === 'a0')!.evidence.reason).toMatch(/within 0\.10 of the team median/);
  });

  it('does not judge on too few overlapped answers', () => {
    const r = team(2, 30, 2, [0.03, 0.02, 0.3, 0.05, 0.04]);
    const v = verdicts(r);
    expect(v.every((x) => !x.noisy)).toBe(true);
    expect(v[0].evidence.reason).toMatch(/too few overlapped answers to judge against the team \(\d+, needs 20\)/);
  });

  it('with two annotators there is no team to tell who is noisy', () => {
    const r = team(3, 200, 2, [0.02, 0.3]);
    const v = verdicts(r);
    expect(v.every((x) => !x.noisy && x.evidence.teamMedian === null)).toBe(true);
    expect(v[0].evidence.reason).toMatch(/no team to compare with/);
  });

  it('flags an annotator who gets gold items wrong, whatever the team does', () => {
    const r: Rating[] = [];
    const gold = new Map<string, string>();
    for (let i = 0; i < 12; i++) {
      gold.set(`g${i}`, 'x');
      r.push({ item: `g${i}`, annotator: 'a', label: i < 6 ? 'x' : 'y' }, { item: `g${i}`, annotator: 'b', label: 'x' });
    }
    const v = noisyAnnotators(consensus(r, { method: 'majority', gold }), r);
    expect(v.find((x) => x.annotator === 'a')).toMatchObject({ noisy: true, evidence: { goldAccuracy: 0.5 } });
    expect(v.find((x) => x.annotator === 'a')!.evidence.reason).toMatch(/gold accuracy 0\.50 on 12 gold items is below 0\.80/);
    expect(v.find((x) => x.annotator === 'b')!.noisy).toBe(false);
  });
});
