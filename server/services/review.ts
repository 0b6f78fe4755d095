import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { decodeAnswer, encodeAnswer } from '../../db/queries/answers';
import { insertAnnotation } from '../../db/queries/annotations';
import { listLatestPrelabelsOf } from '../../db/queries/prelabels';
import {
  closeFlagsOf, countReviewItems, listOpenFlagsOf, listPredictionsOf, listReviewItems, listStandingAnswersOf, recentAnsweredItems, upsertFlags,
} from '../../db/queries/review';
import { items } from '../../db/schema';
import type { ItemState } from '../../lib/agreement/item-state';
import { TandemError } from '../../lib/errors';
import type { Decision, SendBack } from '../../lib/protocol/review';
import { agreementOf, parseAnswer, taskOfProject, taskType, type Answer } from '../../lib/tasks';
import type { LifecycleHooks } from '../lifecycle';
import { requireProject, type Principal } from './access';
import { settleItem } from './settle';
import { outcomeOfAnswer } from './my-answers';
import { listMyAnswers } from '../../db/queries/item-detail';

/** One answer on the review page: whose it is and what it says. */
export interface ReviewAnswer {
  annotationId: number;
  source: string;
  userId: number | null;
  who: string;
  answer: Answer;
  confidence: number | null;
  reason: string | null;
  at: string;
}

export interface ReviewItem {
  itemId: number;
  state: string;
  split: string;
  width: number | null;
  height: number | null;
  sourceName: string;
  priority: number;
  /** People's answers, oldest first (annotators, imports). */
  answers: ReviewAnswer[];
  /** The newest consensus, when one was computed after the newest answer. */
  consensus: ReviewAnswer | null;
  /** A lead's decision that stands, if any. */
  decision: ReviewAnswer | null;
  prediction: { label: string; confidence: number | null } | null;
  /** The model's (or an import's) answer drawn as a starting point, where the task draws one (boxes, skeletons). */
  prelabel: { source: 'import' | 'model'; answer: Answer } | null;
  flags: { id: number; kind: string; reason: string; comment: string | null; who: string | null; at: string }[];
}

export interface ItemOutcome {
  itemId: number;
  state: string;
  yours: Answer;
  /** How the item was settled over the answers, when a lead or a consensus did; `kept`: your answer is the one that stands. */
  resolved: { answer: Answer; source: string; who: string; reason: string | null; at: string; kept: boolean } | null;
}

const whoOf = (a: { source: string; userName: string | null }): string => {
  switch (a.source) {
    case 'consensus': return 'consensus';
    case 'import': return 'import';
    case 'model': return 'model';
    default: return a.userName ?? 'a removed user';
  }
};

/**
 * Disagreements and flags for leads: the review list, a lead's decision on an item (a new answer
 * version recording who, when and why), and sending an annotator's recent answers back for review.
 */
export function createReviewService(db: Db, opts: { hooks?: Partial<Pick<LifecycleHooks, 'onLabelCommitted' | 'onItemsSettled'>>; now?: () => Date } = {}) {
  const now = opts.now ?? (() => new Date());

  async function list(p: Principal, projectId: number, limit: number): Promise<{ items: ReviewItem[]; waiting: number }> {
    const { project } = await requireProject(db, p, projectId, 'project.review');
    const task = taskOfProject(project);
    const rows = await listReviewItems(db, projectId, limit);
    const ids = rows.map((r) => r.id);
    const [answers, flags, predictions, prelabels, waiting] = await Promise.all([
      listStandingAnswersOf(db, ids), listOpenFlagsOf(db, ids), listPredictionsOf(db, projectId, ids), listLatestPrelabelsOf(db, projectId, ids), countReviewItems(db, projectId),
    ]);
    const view = (a: (typeof answers)[number]): ReviewAnswer => ({
      annotationId: a.id, source: a.source, userId: a.userId, who: whoOf(a), answer: decodeAnswer(task, a.payload),
      confidence: a.confidence, reason: a.reason, at: a.createdAt.toISOString(),
    });
    return {
      waiting,
      items: rows.map((r) => {
        const mine = answers.filter((a) => a.itemId === r.id);
        const people = mine.filter((a) => a.source === 'human' || a.source === 'import');
        const newestPerson = people.reduce((m, a) => Math.max(m, a.id), 0);
        const consensus = mine.filter((a) => a.source === 'consensus' && a.id > newestPerson).at(-1);
        const decision = mine.filter((a) => a.source === 'review').at(-1);
        const prediction = predictions.find((x) => x.itemId === r.id);
        const prelabel = prelabels.find((x) => x.itemId === r.id);
        return {
          itemId: r.id, state: r.status, split: r.split, width: r.width, height: r.height, sourceName: r.sourceName, priority: r.priority,
          answers: people.map(view),
          consensus: consensus ? view(consensus) : null,
          decision: decision ? view(decision) : null,
          prediction: prediction?.predicted ? { label: prediction.predicted, confidence: prediction.confidence } : null,
          prelabel: prelabel ? { source: prelabel.source, answer: decodeAnswer(task, prelabel.payload) } : null,
          flags: flags.filter((f) => f.itemId === r.id).map((f) => ({ id: f.id, kind: f.kind, reason: f.reason, comment: f.comment, who: f.userName, at: f.createdAt.toISOString() })),
        };
      }),
    };
  }

  async function decide(p: Principal, projectId: number, itemId: number, input: Decision): Promise<{ annotationId: number; state: ItemState; annotators: number[] }> {
    const { project } = await requireProject(db, p, projectId, 'project.review');
    const task = taskOfProject(project);
    const result = await db.transaction(async (tx) => {
      const [item] = await tx.select({ width: items.width, height: items.height }).from(items).where(and(eq(items.id, itemId), eq(items.projectId, projectId)));
      if (!item) throw new TandemError('not_found', `item ${itemId} is not in project ${projectId}`);
      let answer: Answer;
      let reason = input.reason ?? null;
      const standing = await listStandingAnswersOf(tx, [itemId]);
      const annotators = [...new Set(standing.filter((a) => a.source === 'human' && a.userId !== null).map((a) => a.userId as number))];
      if (input.from !== undefined) {
        const accepted = standing.find((a) => a.id === input.from);
        if (!accepted) throw new TandemError('not_found', `answer ${input.from} is not a standing answer of item ${itemId} (it was taken back or replaced)`);
        answer = decodeAnswer(task, accepted.payload);
        reason ??= accepted.source === 'consensus'
          ? `accepted the consensus (confidence ${((accepted.confidence ?? 0) * 100).toFixed(0)}%)`
          : `accepted ${whoOf(accepted)}'s answer`;
      } else {
        const image = item.width !== null && item.height !== null ? { width: item.width, height: item.height } : null;
        answer = parseAnswer(task, input.answer ?? { label: input.label }, image);
      }
      const row = await insertAnnotation(tx, {
        projectId, itemId, userId: p.userId > 0 ? p.userId : null, action: 'label', payload: encodeAnswer(answer), source: 'review', reason,
      });
      await closeFlagsOf(tx, itemId, now());
      return { annotationId: row.id, state: await settleItem(tx, task, itemId), annotators };
    });
    opts.hooks?.onLabelCommitted?.(projectId, { kind: 'decision', itemId });
    if (result.annotators.length > 0) opts.hooks?.onItemsSettled?.(projectId, { event: 'decided', itemId, annotators: result.annotators });
    return result;
  }

  /** Puts an annotator's newest answers on the review list: they leave training until a lead decides them. */
  async function sendBack(p: Principal, projectId: number, input: SendBack): Promise<{ items: number }> {
    const { project } = await requireProject(db, p, projectId, 'project.review');
    const task = taskOfProject(project);
    const ids = await db.transaction(async (tx) => {
      const recent = await recentAnsweredItems(tx, projectId, input.userId, input.count);
      await upsertFlags(tx, recent.map((itemId) => ({
        projectId, itemId, kind: 'sent-back' as const, reason: 'sent-back', comment: input.note ?? null, priority: 0.5,
        detail: { annotator: input.userId }, userId: p.userId > 0 ? p.userId : null,
      })));
      for (const itemId of recent) await settleItem(tx, task, itemId);
      return recent;
    });
    if (ids.length > 0) opts.hooks?.onLabelCommitted?.(projectId, { kind: 'decision', itemId: ids[0] });
    return { items: ids.length };
  }

  /**
   * What became of the caller's own answer to an item: kept, or replaced by a lead's decision or a
   * consensus, with the lead's reason. Only for an item the caller answered: nobody learns an
   * answer to an item they have not answered.
   */
  async function outcome(p: Principal, projectId: number, itemId: number): Promise<ItemOutcome> {
    const { project } = await requireProject(db, p, projectId, 'project.label');
    const task = taskOfProject(project);
    // The newest answer of the caller's that still stands (one taken back and given again reads the new one).
    const row = (await listMyAnswers(db, projectId, p.userId, undefined, 8, itemId)).find((r) => !r.retracted);
    if (!row) throw new TandemError('not_found', `you have no answer to item ${itemId} in this project`);
    const { mine, shownResolved, resolvedAnswer, outcome: o } = outcomeOfAnswer(task, row);
    return {
      itemId, state: row.status, yours: mine,
      resolved: shownResolved && resolvedAnswer ? {
        answer: resolvedAnswer, source: shownResolved.source, who: whoOf(shownResolved), reason: shownResolved.reason,
        at: shownResolved.at.toISOString(), kept: o.kind === 'decided' && o.same,
      } : null,
    };
  }

  return { list, decide, sendBack, outcome };
}

export type ReviewService = ReturnType<typeof createReviewService>;
