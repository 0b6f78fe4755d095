import type { Db } from '../../db/client';
import { decodeAnswer } from '../../db/queries/answers';
import { listMyAnswers, lockAnswer, type MyAnswerRow, otherHolders, ownActiveLeaseOfItem } from '../../db/queries/item-detail';
import type { LeasedItem } from '../../db/queries/leases';
import { parseInput, TandemError } from '../../lib/errors';
import { answerOutcome } from '../../lib/items/outcome';
import { summarizeAnswer } from '../../lib/items/summary';
import { MineQuery, ReopenRequest } from '../../lib/protocol/items';
import { answersAgree, taskOfProject, type ProjectTask } from '../../lib/tasks';
import type { LifecycleHooks } from '../lifecycle';
import { requireProject, type Principal } from './access';
import { isUniqueViolation } from './pg-errors';
import { retractAndRedo } from './retract';

/**
 * What became of one of the caller's answers (a row of `listMyAnswers`): its outcome, and the
 * decision or consensus that settled it, if one did. Only those are shown: another person's answer
 * is never the annotator's to see. The "Your answers" page and the live notice both read it.
 */
export function outcomeOfAnswer(task: ProjectTask, r: MyAnswerRow) {
  const mine = decodeAnswer(task, r.payload);
  const shownResolved = r.resolved && (r.resolved.source === 'review' || r.resolved.source === 'consensus') ? r.resolved : null;
  const resolvedAnswer = shownResolved ? decodeAnswer(task, shownResolved.payload) : null;
  const outcome = answerOutcome({
    retracted: r.retracted, status: r.status, resolvedSource: r.resolved?.source ?? null,
    agreesWithResolved: resolvedAnswer ? answersAgree(task, [mine, resolvedAnswer]) : true,
  });
  return { mine, shownResolved, resolvedAnswer, outcome };
}

/**
 * An annotator's own answers: what became of each (kept, taken back, waiting, disputed, or
 * decided by a lead or a consensus, with the resolved answer and the lead's reason), and reopening
 * one: the answer is taken back and the item handed to them again, as undo does for the newest,
 * but only while nobody else holds the item and no lead has decided it.
 */
export function createMyAnswerService(db: Db, opts: { leaseSeconds: number; hooks?: Partial<Pick<LifecycleHooks, 'onLabelCommitted'>>; now?: () => Date }) {
  const now = opts.now ?? (() => new Date());

  async function list(p: Principal, projectId: number, query: unknown) {
    const q = parseInput(MineQuery, query, 'query');
    const { project } = await requireProject(db, p, projectId, 'project.label');
    const task = taskOfProject(project);
    const rows = await listMyAnswers(db, projectId, p.userId, q.before, q.limit + 1);
    const page = rows.slice(0, q.limit);
    return {
      next: rows.length > q.limit ? page[page.length - 1].id : null,
      answers: page.map((r) => {
        const { mine, shownResolved, resolvedAnswer, outcome } = outcomeOfAnswer(task, r);
        return {
          annotationId: r.id, itemId: r.itemId, answeredAt: r.createdAt, summary: summarizeAnswer(task, mine), status: r.status, outcome,
          leadComments: r.leadComments, lastLeadComment: r.lastLeadComment,
          resolved: shownResolved && resolvedAnswer ? {
            summary: summarizeAnswer(task, resolvedAnswer), source: shownResolved.source,
            by: shownResolved.source === 'review' ? shownResolved.userName : null,
            reason: shownResolved.reason, confidence: shownResolved.confidence,
          } : null,
          // A lead's decision is final for the annotator (the server refuses); anything else may be reopened while nobody holds the item.
          canReopen: !r.retracted && !(outcome.kind === 'decided' && outcome.by === 'lead'),
        };
      }),
    };
  }

  /** Takes the caller's answer back and hands them the item with a `redo` lease; refused while someone else holds it. */
  async function reopen(p: Principal, projectId: number, input: ReopenRequest): Promise<LeasedItem> {
    const { annotationId } = parseInput(ReopenRequest, input, 'reopen');
    const { project } = await requireProject(db, p, projectId, 'project.label');
    const task = taskOfProject(project);
    try {
      const lease = await db.transaction(async (tx) => {
        const a = await lockAnswer(tx, annotationId);
        if (!a || a.projectId !== projectId || a.userId !== p.userId || a.action !== 'label' || a.source !== 'human') {
          throw new TandemError('not_found', `answer ${annotationId} is not one of yours in this project`);
        }
        if (a.retracted) throw new TandemError('conflict', `you already took answer ${annotationId} back; the item is in the queue again`);
        if (a.decided) {
          throw new TandemError('conflict', `a lead decided item ${a.itemId}${a.decisionReason ? ` ("${a.decisionReason}")` : ''}; ask them if you think the decision is wrong`);
        }
        const others = await otherHolders(tx, a.itemId, p.userId, now());
        if (others.length) throw new TandemError('conflict', `someone else is labeling item ${a.itemId} right now; try again when they are done`);
        if (await ownActiveLeaseOfItem(tx, a.itemId, p.userId)) {
          throw new TandemError('conflict', `item ${a.itemId} is already dealt to you: answer it on the labeling page`);
        }
        const expiresAt = new Date(now().getTime() + opts.leaseSeconds * 1000);
        return retractAndRedo(tx, task, { projectId, itemId: a.itemId, annotationId, userId: p.userId, expiresAt });
      });
      opts.hooks?.onLabelCommitted?.(projectId, { kind: 'undo', itemId: lease.itemId });
      return lease;
    } catch (e) {
      // Someone claimed the item between the check and the redo lease: the database's own guard said no.
      if (isUniqueViolation(e)) throw new TandemError('conflict', 'someone else took this item a moment ago; try again when they are done');
      throw e;
    }
  }

  return { list, reopen };
}

export type MyAnswerService = ReturnType<typeof createMyAnswerService>;
