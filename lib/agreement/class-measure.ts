import { codeRatings, type Rating } from './ratings';
import { coefficients } from './coefficients';
import { consensus } from './consensus';
import { noisyAnnotators } from './noisy';
import { agreementSummary, consensusChanges, type AgreementSummary } from './project-agreement';

/**
 * A classification project's answers in columns, as the server sends them to the agreement
 * thread (server/threads/agreement-thread.ts): typed arrays cross a thread for nothing, where
 * 100,000 answer objects would be copied one by one on the server's thread both ways.
 */
export interface ClassAnswerColumns {
  /** Per answer: its item, its annotator and its label (an index into `labelNames`). */
  itemIds: Float64Array;
  userIds: Float64Array;
  labels: Int32Array;
  labelNames: string[];
  /** The project's classes, in their order (ties and the coefficients follow it). */
  classes: string[];
  /** Known answers that clamp the consensus: gold items the project deals, a lead's decisions. */
  gold: [itemId: number, label: string][];
  /** Annotators' display names and their answers in the last hour, for the snapshot. */
  names: [userId: number, name: string][];
  lastHour: [userId: number, answers: number][];
  /** The consensus standing for items now (label -1: none; confidence NaN: none recorded), and the settling threshold. */
  standing: { itemIds: Float64Array; labels: Int32Array; confidences: Float64Array };
  consensusMin: number;
}

/**
 * What the thread sends back: the snapshot, and the items whose consensus changed enough to write
 * a new version (`consensusChanges`), each with its consensus and who answered it.
 */
export interface ClassMeasure {
  summary: AgreementSummary;
  changes: {
    itemIds: Float64Array;
    /** The new consensus label, an index into `labelNames` of the input. */
    labels: Int32Array;
    confidences: Float64Array;
    /** The annotators of item k are `annotators[start[k]] … annotators[start[k + 1] - 1]`, each once. */
    start: Int32Array;
    annotators: Float64Array;
  };
}

/**
 * Dawid–Skene over every answer (known answers clamped), the coefficients, the noisy-annotator
 * verdicts, the snapshot's summary and the consensus changes: the pure part of the server's
 * agreement recompute, ~0.6 s of CPU at 100,000 answers (bench:agreement-recompute, docs/benchmarks.md).
 */
export function measureClassAnswers(input: ClassAnswerColumns): ClassMeasure {
  const n = input.itemIds.length;
  const ratings: Rating[] = new Array(n);
  const byItem = new Map<number, number[]>();
  for (let k = 0; k < n; k++) {
    const itemId = input.itemIds[k];
    const userId = input.userIds[k];
    ratings[k] = { item: String(itemId), annotator: String(userId), label: input.labelNames[input.labels[k]] };
    const who = byItem.get(itemId);
    if (who) who.push(userId);
    else byItem.set(itemId, [userId]);
  }
  const gold = new Map(input.gold.map(([itemId, label]) => [String(itemId), label]));
  const coded = codeRatings(ratings, { classes: input.classes });
  const result = consensus(coded, { method: 'dawid-skene', gold, classes: input.classes });
  const summary = agreementSummary({
    ratings, result, verdicts: noisyAnnotators(result, ratings), coefficients: coefficients(coded, 'nominal'),
    names: new Map(input.names.map(([id, name]) => [String(id), name])),
    lastHour: new Map(input.lastHour.map(([id, count]) => [String(id), count])),
  });

  const labelCode = new Map(input.labelNames.map((l, k) => [l, k]));
  const standing = new Map<number, { answer: number; confidence: number | null } | null>();
  for (let k = 0; k < input.standing.itemIds.length; k++) {
    const label = input.standing.labels[k];
    const confidence = input.standing.confidences[k];
    standing.set(input.standing.itemIds[k], label < 0 ? null : { answer: label, confidence: Number.isNaN(confidence) ? null : confidence });
  }
  const overlapped = [...byItem].filter(([, who]) => who.length >= 2).map(([itemId]) => ({ itemId, current: standing.get(itemId) ?? null }));
  const computed = (itemId: number) => {
    const c = result.items.get(String(itemId));
    const label = c && labelCode.get(c.label);
    return label === undefined ? undefined : { answer: label, confidence: c!.confidence };
  };
  const changed = consensusChanges(overlapped, computed, (a, b) => a === b, input.consensusMin);
  const start = new Int32Array(changed.length + 1);
  const people: number[] = [];
  changed.forEach(({ itemId }, k) => {
    start[k] = people.length;
    for (const userId of new Set(byItem.get(itemId))) people.push(userId);
  });
  start[changed.length] = people.length;
  return {
    summary,
    changes: {
      itemIds: Float64Array.from(changed, (c) => c.itemId), labels: Int32Array.from(changed, (c) => c.answer),
      confidences: Float64Array.from(changed, (c) => c.confidence), start, annotators: Float64Array.from(people),
    },
  };
}
