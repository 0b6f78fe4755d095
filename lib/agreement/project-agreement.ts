import type { Coefficients } from './coefficients';
import type { ConsensusResult } from './consensus';
import type { NoisyVerdict } from './noisy';
import type { Rating } from './ratings';

/**
 * What a project's agreement recompute decides and keeps, as functions of the answers: which
 * consensus versions to write, and the snapshot the lead's charts read.
 */

/** A consensus within this of the standing one is not worth a new version. */
export const CONFIDENCE_STEP = 0.05;

export interface StandingConsensus<A> { answer: A; confidence: number | null }

/**
 * Overlapped items whose consensus changed enough to write a new version: none yet, another
 * answer (`same` says), a move across the settling threshold, or a confidence that moved by
 * `CONFIDENCE_STEP`.
 */
export function consensusChanges<A>(
  overlapped: readonly { itemId: number; current: StandingConsensus<A> | null }[],
  computed: (itemId: number) => { answer: A; confidence: number } | undefined,
  same: (a: A, b: A) => boolean,
  consensusMin: number,
): { itemId: number; answer: A; confidence: number }[] {
  const out: { itemId: number; answer: A; confidence: number }[] = [];
  for (const { itemId, current } of overlapped) {
    const c = computed(itemId);
    if (!c) continue;
    const was = current?.confidence ?? null;
    const changed = current === null || was === null || !same(current.answer, c.answer)
      || (was >= consensusMin) !== (c.confidence >= consensusMin) || Math.abs(was - c.confidence) >= CONFIDENCE_STEP;
    if (changed) out.push({ itemId, answer: c.answer, confidence: c.confidence });
  }
  return out;
}

export interface AnnotatorSummary {
  userId: number;
  name: string;
  answers: number;
  overlapped: number;
  agreement: number | null;
  accuracy: number | null;
  goldAccuracy: number | null;
  goldAnswers: number;
  answersLastHour: number;
  noisy: boolean;
  reason: string;
  /** Rows: the consensus's (or gold's) class; columns: the annotator's answer. */
  confusion: Record<string, Record<string, number>>;
}

export interface AgreementSummary {
  /** dawid-skene: classes over the whole project; fusion: each item's answers fused (boxes, skeletons). */
  method: 'dawid-skene' | 'fusion';
  /** Mean agreement over every pair of answers to one item, by the task type's measure (spatial tasks). */
  pairwise?: number | null;
  /** The task type's named pair measures (boxes: meanIoU, f1At50; skeletons: joint:<name> disagreement). */
  detail?: Record<string, number>;
  answers: number;
  items: number;
  overlappedItems: number;
  coefficients: Coefficients;
  annotators: AnnotatorSummary[];
  /** Per class (the consensus's), the share of answers on its overlapped items that gave it. */
  classes: { label: string; items: number; agreement: number }[];
}

export function agreementSummary(input: {
  method?: AgreementSummary['method'];
  pairwise?: number | null;
  detail?: Record<string, number>;
  ratings: readonly Rating[];
  result: ConsensusResult;
  verdicts: readonly NoisyVerdict[];
  coefficients: Coefficients;
  names: ReadonlyMap<string, string>;
  lastHour: ReadonlyMap<string, number>;
}): AgreementSummary {
  const { ratings, result } = input;
  const perItem = new Map<string, number>();
  for (const r of ratings) perItem.set(r.item, (perItem.get(r.item) ?? 0) + 1);
  const byClass = new Map<string, { items: Set<string>; given: number; agreeing: number }>();
  for (const r of ratings) {
    if ((perItem.get(r.item) ?? 0) < 2) continue;
    const c = result.items.get(r.item);
    if (!c) continue;
    const e = byClass.get(c.label) ?? { items: new Set<string>(), given: 0, agreeing: 0 };
    e.items.add(r.item);
    e.given += 1;
    if (r.label === c.label) e.agreeing += 1;
    byClass.set(c.label, e);
  }
  const verdictOf = new Map(input.verdicts.map((v) => [v.annotator, v]));
  return {
    method: input.method ?? 'dawid-skene',
    ...(input.pairwise !== undefined ? { pairwise: input.pairwise } : {}),
    ...(input.detail !== undefined ? { detail: input.detail } : {}),
    answers: ratings.length,
    items: perItem.size,
    overlappedItems: [...perItem.values()].filter((n) => n >= 2).length,
    coefficients: input.coefficients,
    annotators: [...result.annotators].map(([id, r]) => {
      const v = verdictOf.get(id);
      return {
        userId: Number(id), name: input.names.get(id) ?? id, answers: r.answers, overlapped: r.overlapped,
        agreement: r.agreement, accuracy: r.accuracy, goldAccuracy: r.goldAccuracy, goldAnswers: r.goldAnswers,
        answersLastHour: input.lastHour.get(id) ?? 0, noisy: v?.noisy ?? false, reason: v?.evidence.reason ?? '', confusion: r.confusion,
      };
    }),
    classes: [...byClass].map(([label, e]) => ({ label, items: e.items.size, agreement: e.given === 0 ? 0 : e.agreeing / e.given }))
      .sort((a, b) => a.label.localeCompare(b.label)),
  };
}
