import { agreementDetailOf, agreementOf, consensusOf, type Answer, type ProjectTask } from '../tasks';
import type { AnnotatorReliability, ConsensusResult } from './consensus';

/** One item's answers by people, for a per-item consensus. */
export interface ItemAnswerSet { itemId: number; answers: { annotator: string; answer: Answer }[] }

export interface PerItemAgreement {
  consensus: Map<number, { answer: Answer; confidence: number }>;
  /** Per annotator: `accuracy` and `agreement` are the mean agreement of their answers with the item's consensus. */
  reliability: ConsensusResult;
  /** Mean agreement over every pair of answers to one item (null with no pair). */
  pairwise: number | null;
  /** The task type's named measures (`agreementDetail`), each averaged over the pairs that have it. */
  detail: Record<string, number>;
}

/**
 * Agreement for task types whose answers have no classes to count (boxes, skeletons): each
 * item's consensus is the task type's fusion of its answers, and an annotator is as reliable as
 * their answers agree with those consensuses (the task type's agreement measure). Items answered
 * once have nothing to agree with and are left out.
 */
export function perItemAgreement(task: ProjectTask, items: readonly ItemAnswerSet[]): PerItemAgreement {
  const consensus = new Map<number, { answer: Answer; confidence: number }>();
  const sums = new Map<string, { total: number; n: number; answers: number }>();
  const detail = new Map<string, { sum: number; n: number }>();
  let pairSum = 0;
  let pairs = 0;
  for (const item of items) {
    for (const a of item.answers) {
      const s = sums.get(a.annotator) ?? { total: 0, n: 0, answers: 0 };
      s.answers += 1;
      sums.set(a.annotator, s);
    }
    if (item.answers.length < 2) continue;
    const c = consensusOf(task, item.answers.map((a) => a.answer));
    consensus.set(item.itemId, c);
    for (const a of item.answers) {
      const s = sums.get(a.annotator)!;
      s.total += agreementOf(task, a.answer, c.answer);
      s.n += 1;
    }
    for (let i = 0; i < item.answers.length; i++) {
      for (let j = i + 1; j < item.answers.length; j++) {
        pairSum += agreementOf(task, item.answers[i].answer, item.answers[j].answer);
        pairs += 1;
        for (const [k, v] of Object.entries(agreementDetailOf(task, item.answers[i].answer, item.answers[j].answer))) {
          const d = detail.get(k) ?? { sum: 0, n: 0 };
          d.sum += v;
          d.n += 1;
          detail.set(k, d);
        }
      }
    }
  }
  const annotators = new Map<string, AnnotatorReliability>([...sums].map(([annotator, s]) => {
    const mean = s.n === 0 ? null : s.total / s.n;
    return [annotator, { agreement: mean, accuracy: mean, goldAccuracy: null, goldAnswers: 0, answers: s.answers, overlapped: s.n, confusion: {}, estimatedConfusion: null }];
  }));
  return {
    consensus,
    reliability: { items: new Map(), annotators, iterations: 0, priors: null },
    pairwise: pairs === 0 ? null : pairSum / pairs,
    detail: Object.fromEntries([...detail].map(([k, d]) => [k, d.sum / d.n])),
  };
}
