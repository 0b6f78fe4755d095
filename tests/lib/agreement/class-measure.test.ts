import { describe, expect, it } from 'vitest';
import { codeRatings, coefficients, consensus, noisyAnnotators, type Rating } from '../../../lib/agreement';
import { measureClassAnswers, type ClassAnswerColumns } from '../../../lib/agreement/class-measure';
import { agreementSummary } from '../../../lib/agreement/project-agreement';
import { mulberry32 } from '../../../lib/random';

const CLASSES = ['cat', 'dog', 'fox'];

/** Seeded answers: 60 items, each by one to three of five annotators, the last of whom answers at random. */
function answers(seed: number): { itemId: number; userId: number; label: string }[] {
  const rng = mulberry32(seed);
  const out: { itemId: number; userId: number; label: string }[] = [];
  for (let item = 100; item < 160; item++) {
    const truth = CLASSES[item % 3];
    const who = new Set<number>();
    const k = 1 + Math.floor(rng() * 3);
    while (who.size < k) who.add(1 + Math.floor(rng() * 5));
    for (const u of who) out.push({ itemId: item, userId: u, label: u === 5 ? CLASSES[Math.floor(rng() * 3)] : rng() < 0.05 ? CLASSES[(item + 1) % 3] : truth });
  }
  return out;
}

function columns(rows: { itemId: number; userId: number; label: string }[], extra: Partial<ClassAnswerColumns> = {}): ClassAnswerColumns {
  const labelNames = [...CLASSES];
  return {
    itemIds: Float64Array.from(rows, (r) => r.itemId),
    userIds: Float64Array.from(rows, (r) => r.userId),
    labels: Int32Array.from(rows, (r) => labelNames.indexOf(r.label)),
    labelNames, classes: CLASSES, gold: [], names: [[1, 'ann']], lastHour: [[2, 7]],
    standing: { itemIds: new Float64Array(0), labels: new Int32Array(0), confidences: new Float64Array(0) }, consensusMin: 0.9,
    ...extra,
  };
}

describe('the agreement recompute measured from answer columns', () => {
  it('gives the summary the recompute gave from answer objects: Dawid–Skene, coefficients, noisy verdicts, names and pace', () => {
    const rows = answers(3);
    const ratings: Rating[] = rows.map((r) => ({ item: String(r.itemId), annotator: String(r.userId), label: r.label }));
    const coded = codeRatings(ratings, { classes: CLASSES });
    const result = consensus(coded, { method: 'dawid-skene', gold: new Map(), classes: CLASSES });
    const expected = agreementSummary({
      ratings, result, verdicts: noisyAnnotators(result, ratings), coefficients: coefficients(coded, 'nominal'),
      names: new Map([['1', 'ann']]), lastHour: new Map([['2', 7]]),
    });
    const measured = measureClassAnswers(columns(rows));
    expect(measured.summary).toEqual(expected);
    expect(measured.summary.annotators.find((a) => a.userId === 5)?.noisy).toBe(true);
    expect(measured.summary.annotators.find((a) => a.userId === 1)?.name).toBe('ann');
  });

  it('with no consensus standing, lists each item answered by two people or more once, with its consensus and each of its annotators once', () => {
    const rows = answers(4);
    // Annotator 2 answers item 100 a second time: still one annotator of it.
    rows.push({ itemId: 100, userId: 2, label: 'cat' }, { itemId: 100, userId: 3, label: 'cat' });
    const { changes: o } = measureClassAnswers(columns(rows));
    const who = new Map<number, Set<number>>();
    for (const r of rows) who.set(r.itemId, (who.get(r.itemId) ?? new Set()).add(r.userId));
    const expectedItems = [...who].filter(([itemId]) => rows.filter((r) => r.itemId === itemId).length >= 2).map(([itemId]) => itemId);
    expect([...o.itemIds]).toEqual(expectedItems);
    for (let k = 0; k < o.itemIds.length; k++) {
      const people = [...o.annotators.subarray(o.start[k], o.start[k + 1])];
      expect(new Set(people).size).toBe(people.length);
      expect(new Set(people)).toEqual(who.get(o.itemIds[k]));
      expect(o.labels[k]).toBeGreaterThanOrEqual(0);
      expect(CLASSES[o.labels[k]]).toBeDefined();
      expect(o.confidences[k]).toBeGreaterThan(0);
      expect(o.confidences[k]).toBeLessThanOrEqual(1);
    }
  });

  it('clamps known answers: a gold item takes its known class whatever its answers say', () => {
    const rows = answers(6);
    const item = rows.find((r) => rows.filter((x) => x.itemId === r.itemId).length >= 2)!.itemId;
    const said = rows.find((r) => r.itemId === item)!.label;
    const other = CLASSES.find((c) => c !== said)!;
    const labelOf = (m: ReturnType<typeof measureClassAnswers>, itemId: number) => CLASSES[m.changes.labels[[...m.changes.itemIds].indexOf(itemId)]];
    expect(labelOf(measureClassAnswers(columns(rows, { gold: [[item, other]] })), item)).toBe(other);
    expect(labelOf(measureClassAnswers(columns(rows, { gold: [[item, said]] })), item)).toBe(said);
  });

  it('lists only the items whose consensus changed enough against the one standing: another class, or a move of its confidence', () => {
    const rows = answers(7);
    const first = measureClassAnswers(columns(rows)).changes;
    const ids = [...first.itemIds];
    const standing = (labelOf: (k: number) => number, confidenceOf: (k: number) => number) => ({
      itemIds: Float64Array.from(ids), labels: Int32Array.from(ids, (_, k) => labelOf(k)), confidences: Float64Array.from(ids, (_, k) => confidenceOf(k)),
    });
    // The same consensus standing: nothing to write.
    expect(measureClassAnswers(columns(rows, { standing: standing((k) => first.labels[k], (k) => first.confidences[k]) })).changes.itemIds).toHaveLength(0);
    // Item 0 stands at another class, item 1 at a confidence far from the new one, item 2 with none recorded: those three.
    const moved = measureClassAnswers(columns(rows, { standing: standing(
      (k) => (k === 0 ? (first.labels[0] + 1) % 3 : first.labels[k]),
      (k) => (k === 1 ? Math.abs(first.confidences[1] - 0.5) : k === 2 ? NaN : first.confidences[k]),
    ) })).changes;
    expect([...moved.itemIds]).toEqual(ids.slice(0, 3));
    expect(CLASSES[moved.labels[0]]).toBe(CLASSES[first.labels[0]]);
  });
});
