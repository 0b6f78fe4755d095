import type { Db } from '../../db/client';
import { decodeAnswer, encodeAnswer } from '../../db/queries/answers';
import {
  answersInLastHour, appliedEmbeddingSpace, itemStatesOf, userEmails, closeNoisyLabelFlagsExcept, closeSettledWeakFlags, listResolvedWithVectors, insertConsensusVersions, insertSnapshot, listDecidedClasses, listOverlappedItems, listPeopleAnswers, listSnapshots,
} from '../../db/queries/consensus';
import { findProject } from '../../db/queries/projects';
import { upsertFlags } from '../../db/queries/review';
import { noisyAnnotators, type Rating } from '../../lib/agreement';
import { agreementSummary, consensusChanges, type AgreementSummary } from '../../lib/agreement/project-agreement';
import { DEFAULT_CONSENSUS_MIN } from '../../lib/agreement/settle';
import { agreementOf, taskOfProject, taskType, type Answer, type ProjectTask } from '../../lib/tasks';
import { perItemAgreement, type ItemAnswerSet } from '../../lib/agreement/spatial';
import { noisyLabels } from '../../lib/agreement/noisy-labels';
import { decodeVector } from '../../db/queries/embeddings';

/** Resolved items the noisy-label check looks at, newest first: exact kNN over 3,000 points is about 0.1 s. */
const NOISY_LABEL_LIMIT = 3000;
import { answerSummaryOf } from '../../lib/tasks/summary';
import type { ProjectRow } from '../../db/queries/projects';
import { projectQueueSettings } from './queue';
import type { LifecycleHooks } from '../lifecycle';
import { requireProject, type Principal } from './access';
import { settleItems } from './settle';
import { createClassAnswerMirror } from './class-answers';
import { sharedAgreementThread, type AgreementThread } from '../threads/agreement-thread';

/** What a recompute measured, whatever the task type: the items whose consensus changed enough to write, and the snapshot. */
interface Measured {
  changes: { itemId: number; answer: Answer; confidence: number }[];
  annotatorsOf: (itemId: number) => number[];
  summary: AgreementSummary;
}

/**
 * A project's consensus and agreement, recomputed from all its answers: Dawid–Skene over every
 * standing human class answer (gold items and a lead's decisions clamped), a consensus version written where it changed,
 * disputed items settled by a confident consensus, weak ones flagged for the lead, and a snapshot
 * of the coefficients and each annotator's reliability. The agreement extension runs it after labels.
 */
export function createConsensusService(db: Db, opts: { hooks?: Partial<Pick<LifecycleHooks, 'onItemsSettled' | 'onAgreementComputed'>>; now?: () => Date; consensusMin?: number; agreement?: AgreementThread } = {}) {
  const now = opts.now ?? (() => new Date());
  const agreement = opts.agreement ?? sharedAgreementThread();
  const mirror = createClassAnswerMirror(db);
  const consensusMin = opts.consensusMin ?? DEFAULT_CONSENSUS_MIN;

  async function recompute(projectId: number): Promise<AgreementSummary | null> {
    const project = await findProject(db, projectId);
    if (!project) return null;
    const task = taskOfProject(project);
    const measured = task.task === 'classification' ? await classAgreement(project, task) : await perItem(projectId, task);
    if (!measured) return null;
    const { changes, summary, annotatorsOf } = measured;

    const statusBefore = await itemStatesOf(db, changes.map((c) => c.itemId));
    const settled: number[] = [];
    if (changes.length > 0) {
      await db.transaction(async (tx) => {
        await insertConsensusVersions(tx, projectId, changes.map((c) => ({
          itemId: c.itemId, payload: encodeAnswer(c.answer), confidence: c.confidence,
          reason: `${summary.method === 'dawid-skene' ? 'Dawid–Skene' : 'fused'} over ${annotatorsOf(c.itemId).length} answers`,
        })));
        mirror.wrote(projectId, changes.flatMap((c) => (c.answer.task === 'classification' ? [{ itemId: c.itemId, label: c.answer.label, confidence: c.confidence }] : [])));
        // A consensus changes an item's state only where the answers disagree: disputed ones it may
        // settle, and ones a consensus settled before it may unsettle.
        const unsure = changes.filter((c) => statusBefore.get(c.itemId) === 'disputed' || c.confidence < consensusMin).map((c) => c.itemId);
        for (const [itemId, state] of await settleItems(tx, task, unsure, consensusMin)) {
          if (state === 'resolved' && statusBefore.get(itemId) !== 'resolved') settled.push(itemId);
        }
      });
    }
    // Disputes a new consensus cannot settle go to the lead, the weakest first (unchanged ones have their flag).
    const weak = changes.filter((c) => c.confidence < consensusMin && statusBefore.get(c.itemId) === 'disputed');
    await upsertFlags(db, weak.map((c) => ({
      projectId, itemId: c.itemId, kind: 'weak-consensus' as const,
      reason: `consensus ${answerSummaryOf(c.answer)} at ${(c.confidence * 100).toFixed(0)}%`, priority: 1 - c.confidence,
    })));
    await closeSettledWeakFlags(db, projectId, now());

    const snapshotId = await insertSnapshot(db, projectId, summary.answers, summary as unknown as Record<string, unknown>, now());
    for (const itemId of settled) opts.hooks?.onItemsSettled?.(projectId, { event: 'settled', itemId, annotators: annotatorsOf(itemId) });
    opts.hooks?.onAgreementComputed?.(projectId, snapshotId);
    return summary;
  }

  /**
   * Classes: Dawid–Skene over the whole project, known answers clamped. The answers go to the
   * agreement thread as columns; this thread only gathers them and reads back the changed items.
   */
  async function classAgreement(project: ProjectRow, task: Extract<ProjectTask, { task: 'classification' }>): Promise<Measured | null> {
    const { answers, consensus: standing } = await mirror.read(project.id);
    if (answers.size === 0) return null;
    // Known answers are gold only where the project deals gold items (as the queue reads them);
    // otherwise they are a simulation's hidden truth and must not steer the consensus.
    const usesGold = projectQueueSettings(project).queue.goldShare > 0;
    // Labels travel as codes; every label a consensus may take has one (the classes, the answers', the known ones).
    const labelNames: string[] = [];
    const code = new Map<string, number>();
    const codeOf = (label: string) => {
      let c = code.get(label);
      if (c === undefined) code.set(label, (c = labelNames.push(label) - 1));
      return c;
    };
    for (const c of task.config.classes) codeOf(c);
    const gold = new Map<number, string>();
    const users = new Set<number>();
    const itemIds = new Float64Array(answers.size);
    const userIds = new Float64Array(answers.size);
    const labels = new Int32Array(answers.size);
    let k = 0;
    for (const a of answers.values()) {
      itemIds[k] = a.itemId;
      userIds[k] = a.userId;
      labels[k] = codeOf(a.label);
      users.add(a.userId);
      if (usesGold && a.gold !== null) gold.set(a.itemId, a.gold);
      k++;
    }
    // A lead's decision is a known answer too: the annotators' reliability is measured against it.
    const [decided, lastHour, emails] = await Promise.all([
      listDecidedClasses(db, project.id), answersInLastHour(db, project.id, now()), userEmails(db, [...users]),
    ]);
    for (const [itemId, label] of decided) gold.set(itemId, label);
    for (const label of gold.values()) codeOf(label);
    // The consensus standing now for every item answered by two people or more (and any other the mirror knows).
    const standingIds = new Float64Array(standing.size);
    const standingLabels = new Int32Array(standing.size);
    const standingConfidences = new Float64Array(standing.size);
    k = 0;
    for (const [itemId, s] of standing) {
      standingIds[k] = itemId;
      standingLabels[k] = s ? codeOf(s.label) : -1;
      standingConfidences[k] = s?.confidence ?? NaN;
      k++;
    }
    const measured = await agreement.measure({
      itemIds, userIds, labels, labelNames, classes: [...task.config.classes], gold: [...gold],
      names: [...emails].map(([id, email]) => [id, email.split('@')[0]]), lastHour: [...lastHour],
      standing: { itemIds: standingIds, labels: standingLabels, confidences: standingConfidences }, consensusMin,
    });
    const c = measured.changes;
    const changes: Measured['changes'] = [];
    const annotators = new Map<number, number[]>();
    for (let i = 0; i < c.itemIds.length; i++) {
      changes.push({ itemId: c.itemIds[i], answer: { task: 'classification', label: labelNames[c.labels[i]] }, confidence: c.confidences[i] });
      annotators.set(c.itemIds[i], Array.from(c.annotators.subarray(c.start[i], c.start[i + 1])));
    }
    return { changes, annotatorsOf: (itemId) => annotators.get(itemId) ?? [], summary: measured.summary };
  }

  /** Boxes and skeletons: each overlapped item's answers fused; reliability is agreement with the fusion. */
  async function perItem(projectId: number, task: ProjectTask): Promise<Measured | null> {
    const rows = await listPeopleAnswers(db, projectId);
    if (rows.length === 0) return null;
    const byItem = new Map<number, ItemAnswerSet>();
    for (const r of rows) {
      const set = byItem.get(r.itemId) ?? { itemId: r.itemId, answers: [] };
      set.answers.push({ annotator: String(r.userId), answer: decodeAnswer(task, r.payload) });
      byItem.set(r.itemId, set);
    }
    const measured = perItemAgreement(task, [...byItem.values()]);
    const standing = await listOverlappedItems(db, projectId);
    const ratings: Rating[] = rows.map((r) => ({ item: String(r.itemId), annotator: String(r.userId), label: '' }));
    const lastHour = await answersInLastHour(db, projectId, now());
    return {
      changes: consensusChanges(
        standing.map((o) => ({ itemId: o.itemId, current: o.consensus && { answer: decodeAnswer(task, o.consensus.payload), confidence: o.consensus.confidence } })),
        (itemId) => measured.consensus.get(itemId),
        (a, b) => agreementOf(task, a, b) >= taskType(task.task).agreesAt,
        consensusMin,
      ),
      annotatorsOf: (itemId) => [...new Set((byItem.get(itemId)?.answers ?? []).map((a) => Number(a.annotator)))],
      summary: agreementSummary({
        method: 'fusion', pairwise: measured.pairwise, detail: measured.detail, ratings, result: measured.reliability,
        verdicts: noisyAnnotators(measured.reliability, ratings, { measure: 'mean agreement with the fused consensus' }),
        coefficients: { krippendorffAlpha: null, fleissKappa: null, cohenKappa: null, percentAgreement: null },
        names: new Map(rows.map((r) => [String(r.userId), r.email.split('@')[0]])),
        lastHour: new Map([...lastHour].map(([k, v]) => [String(k), v])),
      }),
    };
  }

  /**
   * Resolved labels the model's neighbourhood contradicts (lib/agreement/noisy-labels.ts), flagged
   * for the lead with the model's guess, the most far-reaching first; flags of labels that no longer
   * look wrong close. Runs when a ranking is applied: new embeddings, new neighbours.
   */
  async function flagNoisyLabels(projectId: number): Promise<number> {
    const project = await findProject(db, projectId);
    if (!project) return 0;
    const task = taskOfProject(project);
    if (task.task !== 'classification') return 0;
    const space = await appliedEmbeddingSpace(db, projectId);
    if (!space) return 0;
    const rows = (await listResolvedWithVectors(db, projectId, space, NOISY_LABEL_LIMIT)).filter((r) => task.config.classes.includes(r.label));
    if (rows.length === 0) return 0;
    const d = rows[0].dim;
    const data = new Float32Array(rows.length * d);
    rows.forEach((r, i) => data.set(decodeVector(r.vector, d), i * d));
    const classIndex = new Map(task.config.classes.map((c, i) => [c, i]));
    const found = noisyLabels({ vectors: { n: rows.length, d, data }, labels: Int32Array.from(rows.map((r) => classIndex.get(r.label)!)), classes: task.config.classes.length });
    await upsertFlags(db, found.map((f) => {
      const predicted = task.config.classes[f.predicted];
      return {
        projectId, itemId: rows[f.index].itemId, kind: 'noisy-label' as const,
        reason: `the model's neighbours say ${predicted} (${(f.confidence * 100).toFixed(0)}%), the label says ${rows[f.index].label}`,
        priority: f.priority, detail: { predicted, confidence: f.confidence, influence: f.influence, label: rows[f.index].label },
      };
    }));
    await closeNoisyLabelFlagsExcept(db, projectId, found.map((f) => rows[f.index].itemId), now());
    return found.length;
  }

  /** The project's agreement over time (oldest first), for leads and admins. */
  async function history(p: Principal, projectId: number, limit = 200): Promise<{ at: string; answers: number; summary: AgreementSummary }[]> {
    await requireProject(db, p, projectId, 'project.review');
    return (await listSnapshots(db, projectId, limit)).map((s) => ({ at: s.createdAt.toISOString(), answers: s.answers, summary: s.summary as unknown as AgreementSummary }));
  }

  return { recompute, history, flagNoisyLabels };
}

export type ConsensusService = ReturnType<typeof createConsensusService>;
