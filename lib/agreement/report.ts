import { coefficients, type Coefficients, type Level } from './coefficients';
import { consensus, type ConsensusMethod, type ConsensusResult } from './consensus';
import { noisyAnnotators, type NoisyVerdict } from './noisy';
import { codeRatings, type Rating } from './ratings';

/**
 * What `tandem agreement` prints as JSON: the four coefficients and the counts, and with a
 * consensus method the consensus per item and the reliability per annotator. Keys are those of
 * issue 14, in its order; `details` (not printed in JSON) keeps what the human summary adds.
 */
export interface AgreementReport extends Coefficients {
  items: number;
  annotators: number;
  consensus?: Record<string, { label: string; confidence: number }>;
  reliability?: Record<string, { agreement: number | null; accuracy: number | null; confusion: Record<string, Record<string, number>> }>;
}

export interface AgreementDetails {
  answers: number;
  /** Items with at least two ratings. */
  overlapped: number;
  /** Rows dropped because an annotator rated an item again (the later row counts). */
  duplicates: number;
  result: ConsensusResult | null;
  noisy: NoisyVerdict[] | null;
}

export function agreementReport(
  ratings: readonly Rating[],
  opts: { level: Level; consensus?: ConsensusMethod; classes?: readonly string[]; gold?: ReadonlyMap<string, string> },
): { report: AgreementReport; details: AgreementDetails } {
  const coded = codeRatings(ratings, { classes: opts.classes });
  let overlapped = 0;
  for (let i = 0; i < coded.items.length; i++) if (coded.start[i + 1] - coded.start[i] >= 2) overlapped++;
  const report: AgreementReport = { ...coefficients(coded, opts.level), items: coded.items.length, annotators: coded.annotators.length };
  let result: ConsensusResult | null = null;
  let noisy: NoisyVerdict[] | null = null;
  if (opts.consensus) {
    result = consensus(coded, { method: opts.consensus, gold: opts.gold });
    noisy = noisyAnnotators(result, ratings);
    report.consensus = {};
    for (const [id, c] of result.items) report.consensus[id] = { label: c.label, confidence: c.confidence };
    report.reliability = {};
    for (const [who, r] of result.annotators) report.reliability[who] = { agreement: r.agreement, accuracy: r.accuracy, confusion: r.confusion };
  }
  return { report, details: { answers: coded.label.length, overlapped, duplicates: coded.duplicates, result, noisy } };
}
