import type { ConsensusResult } from './consensus';
import type { Rating } from './ratings';

/**
 * Which annotators a lead should look at: those whose estimated accuracy lies well below the
 * team's, on enough overlapped answers that it is not chance, or who get gold items wrong.
 *
 * Team rule: among the annotators with at least `minOverlapped` answers on items others also
 * rated, take the median estimated accuracy (needs `minTeam` of them: with two people nobody
 * can tell who is the noisy one). An annotator is noisy when their accuracy is more than
 * `margin` below that median and the gap is more than `z` standard errors of a proportion
 * measured on their overlapped answers (√(acc·(1−acc)/n)), so thirty answers are not judged
 * as harshly as three hundred.
 * Gold rule: at least `minGold` gold answers and a gold accuracy below `goldFloor`.
 *
 * Defaults were chosen with `npm run bench:quality` on tuning seeds that are not the seeds it
 * reports (see docs/benchmarks.md).
 */

export interface NoisyOptions {
  /** Overlapped answers an annotator needs before the team rule judges them (default 20). */
  minOverlapped?: number;
  /** Annotators with enough overlapped answers for a team median (default 3). */
  minTeam?: number;
  /** How far below the team median estimated accuracy must be (default 0.1). */
  margin?: number;
  /** Standard errors the gap must exceed (default 2). */
  z?: number;
  /** Gold answers an annotator needs before the gold rule judges them (default 10). */
  minGold?: number;
  /** Gold accuracy below this is noisy (default 0.8). */
  goldFloor?: number;
  /** What `accuracy` measures, in the reasons' words (spatial tasks: mean agreement with the fused consensus). */
  measure?: string;
}

export interface NoisyVerdict {
  annotator: string;
  noisy: boolean;
  evidence: {
    accuracy: number | null;
    agreement: number | null;
    teamMedian: number | null;
    overlapped: number;
    goldAccuracy: number | null;
    reason: string;
  };
}

const DEFAULTS: Required<NoisyOptions> = { minOverlapped: 20, minTeam: 3, margin: 0.1, z: 2, minGold: 10, goldFloor: 0.8, measure: 'estimated accuracy' };

const fixed = (x: number) => x.toFixed(2);

/**
 * A verdict per annotator of `result`, in its order. `_ratings` are those the result was
 * computed from; every count the rules need is in the result already (`overlapped`), so they
 * are not read again (a pass over 100,000 answers cost a tenth of a recompute).
 */
export function noisyAnnotators(result: ConsensusResult, _ratings: readonly Rating[], opts: NoisyOptions = {}): NoisyVerdict[] {
  const o = { ...DEFAULTS, ...opts };
  const judged = [...result.annotators].filter(([, r]) => r.accuracy !== null && r.overlapped >= o.minOverlapped);
  const teamMedian = judged.length >= o.minTeam ? median(judged.map(([, r]) => r.accuracy as number)) : null;
  return [...result.annotators].map(([annotator, r]) => {
    const n = r.overlapped;
    const evidence = { accuracy: r.accuracy, agreement: r.agreement, teamMedian, overlapped: n, goldAccuracy: r.goldAccuracy };
    const reasons: string[] = [];
    let noisy = false;
    if (r.goldAccuracy !== null && r.goldAnswers >= o.minGold && r.goldAccuracy < o.goldFloor) {
      noisy = true;
      reasons.push(`gold accuracy ${fixed(r.goldAccuracy)} on ${r.goldAnswers} gold items is below ${fixed(o.goldFloor)}`);
    }
    if (r.accuracy === null || n < o.minOverlapped) {
      reasons.push(`too few overlapped answers to judge against the team (${n}, needs ${o.minOverlapped})`);
    } else if (teamMedian === null) {
      reasons.push(`fewer than ${o.minTeam} annotators have ${o.minOverlapped} overlapped answers: no team to compare with`);
    } else {
      const gap = teamMedian - r.accuracy;
      const se = Math.sqrt(Math.max(r.accuracy * (1 - r.accuracy), 1e-4) / n);
      if (gap > o.margin && gap > o.z * se) {
        noisy = true;
        reasons.push(`${o.measure} ${fixed(r.accuracy)} is ${fixed(gap)} below the team median ${fixed(teamMedian)} over ${n} overlapped answers`);
      } else if (gap > o.margin) {
        reasons.push(`${o.measure} ${fixed(r.accuracy)} is ${fixed(gap)} below the team median ${fixed(teamMedian)}, but ${n} overlapped answers are too few to be sure`);
      } else {
        reasons.push(`${o.measure} ${fixed(r.accuracy)} is within ${fixed(o.margin)} of the team median ${fixed(teamMedian)} (${n} overlapped answers)`);
      }
    }
    return { annotator, noisy, evidence: { ...evidence, reason: reasons.join('; ') } };
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
