import type { Db } from '../../db/client';
import { labelCommitOpening, leaseLockOpening, type LabelCommit } from '../../db/queries/label-commit';
import { nothingOpening, openedTransaction, openingsInOrder } from '../../db/transactions';
import { projectRoleOpening } from '../../db/queries/projects';
import { findByClientKey, findLastLiveLabel, countLiveLabelsOfUser } from '../../db/queries/annotations';
import { retractAndRedo } from './retract';
import { settleItem } from './settle';
import type { LeasedItem } from '../../db/queries/leases';
import type { ProgressCounts } from './progress-counts';
import { TandemError } from '../../lib/errors';
import type { SubmitLabel } from '../../lib/protocol/labeling';
import { checkProjectAccess, requireProject, type Principal } from './access';
import { isUniqueViolation } from './pg-errors';
import type { LifecycleHooks } from '../lifecycle';
import { decodeAnswer, encodeAnswer } from '../../db/queries/answers';
import { findLatestPrelabel, projectHasImportedPrelabels } from '../../db/queries/prelabels';
import { findItemSize } from '../../db/queries/items';
import { needsImageSize, parseAnswer, taskOfProject, type Answer, type ProjectTask } from '../../lib/tasks';
import { findSuggestionFacts } from '../../db/queries/suggestions';
import { resolveProjectSettings } from '../../lib/protocol/project-settings';
import { importedSuggestion, suggestionFor } from '../../lib/tasks/suggestion';
import type { ClaimsFirst } from './claims-first';

export interface Progress {
  mine: number;
  labeled: number;
  total: number;
  holdoutLabeled: number;
}


/**
 * Labels are immutable versions. A submit is acknowledged only after its
 * transaction commits; a retried submit with the same client key returns the
 * first result instead of storing a second version.
 */
export function createLabelService(db: Db, opts: {
  leaseSeconds: number; counts: ProgressCounts; hooks?: Partial<Pick<LifecycleHooks, 'onLabelCommitted'>>; now?: () => Date;
  /** Labels, like claims, go before a pool view's background build (server/services/claims-first.ts). */
  first?: ClaimsFirst;
}) {
  const now = opts.now ?? (() => new Date());
  const first = opts.first ?? { around: <T>(f: () => Promise<T>) => f() };

  function submit(p: Principal, projectId: number, input: SubmitLabel): Promise<{ annotationId: number; duplicate: boolean }> {
    return first.around(() => submitNow(p, projectId, input));
  }

  /**
   * Each project's task, once an access check read it: a project's task and classes never change
   * after it is made (only its settings and guidelines do), so a label can be parsed before its
   * access check, and the check can travel in the label's transaction instead of ahead of it.
   */
  const tasks = new Map<number, ProjectTask>();
  const MAX_TASKS = 10_000;
  function remember(projectId: number, task: ProjectTask) {
    if (tasks.size >= MAX_TASKS) tasks.clear();
    tasks.set(projectId, task);
  }

  async function submitNow(p: Principal, projectId: number, input: SubmitLabel): Promise<{ annotationId: number; duplicate: boolean }> {
    // The access check goes in the transaction's first message when the task is known and the
    // answer needs nothing else read first (an image's size): on Postgres the label is then two
    // round trips, the first message and the commit, instead of four.
    const known = tasks.get(projectId);
    const inTransaction = known !== undefined && !needsImageSize(known);
    let task: ProjectTask;
    let image: { width: number; height: number } | null = null;
    if (inTransaction) task = known;
    else {
      task = taskOfProject((await requireProject(db, p, projectId, 'project.label')).project);
      remember(projectId, task);
      if (needsImageSize(task)) image = await findItemSize(db, projectId, input.itemId);
    }
    let answer: Answer;
    try {
      answer = parseAnswer(task, input.answer ?? { label: input.label }, image);
      const edit = input.edit;
      if (answer.task === 'classification' && edit?.suggested !== undefined && edit.accepted !== undefined && edit.accepted !== (answer.label === edit.suggested)) {
        throw new TandemError('bad_request', `bad edit: accepted says ${edit.accepted} but the answer "${answer.label}" ${edit.accepted ? 'is not' : 'is'} the suggested class "${edit.suggested}"`);
      }
    } catch (e) {
      // Someone who may not label here learns nothing of the project's classes from the error.
      if (inTransaction) await requireProject(db, p, projectId, 'project.label');
      throw e;
    }
    const commit: LabelCommit = {
      projectId, itemId: input.itemId, userId: p.userId, leaseId: input.leaseId, clientKey: input.clientKey,
      payload: encodeAnswer(answer), edit: input.edit ?? null, now: now(),
    };
    try {
      // Lock the lease row first: a retry racing the original waits until the original commits,
      // and only then looks for the client key (the next statement's snapshot), so it finds the
      // stored label. The checks and writes are one statement, sent with the lock.
      const opening = openingsInOrder(
        inTransaction ? projectRoleOpening(projectId, p.userId) : nothingOpening,
        leaseLockOpening(input.leaseId),
        labelCommitOpening(commit),
      );
      const result = await openedTransaction(db, opening, async (tx, [access, , r]) => {
        // Refused here, the transaction rolls back: nothing of the label stays.
        if (inTransaction) checkProjectAccess(p, projectId, 'project.label', access);
        if (r.seen !== null) return { annotationId: r.seen, duplicate: true };
        const lease = r.lease;
        if (!lease || lease.projectId !== projectId || lease.userId !== p.userId || lease.itemId !== input.itemId) {
          throw new TandemError('not_found', `lease ${input.leaseId} for item ${input.itemId} is not yours in project ${projectId}`);
        }
        if (r.stored === null) {
          // The lease lapsed (a long pause, a lost connection) and someone else took the item since, or it was completed.
          throw new TandemError('lease_expired', `item ${input.itemId} was handed to someone else after your lease ${lease.state}; your label was not stored`);
        }
        if (r.priorAnswers > 0) await settleItem(tx, task, input.itemId);
        return { annotationId: r.stored, duplicate: false };
      });
      if (!result.duplicate) opts.hooks?.onLabelCommitted?.(projectId, { kind: 'label', itemId: input.itemId });
      return result;
    } catch (e) {
      // Two tabs racing with one client key: the loser returns the winner's result.
      if (isUniqueViolation(e)) {
        if (inTransaction) await requireProject(db, p, projectId, 'project.label');
        const seen = await findByClientKey(db, p.userId, input.clientKey);
        if (seen) return { annotationId: seen.id, duplicate: true };
      }
      throw e;
    }
  }

  /** Takes back the caller's newest standing label and hands the item straight back to them. */
  async function undo(p: Principal, projectId: number): Promise<LeasedItem> {
    const task = taskOfProject((await requireProject(db, p, projectId, 'project.label')).project);
    const redo = await db.transaction(async (tx) => {
      const last = await findLastLiveLabel(tx, projectId, p.userId);
      if (!last) throw new TandemError('not_found', 'nothing to undo: you have no labels in this project');
      // Open again unless someone else's answer (or an imported one) still stands for it.
      const expiresAt = new Date(now().getTime() + opts.leaseSeconds * 1000);
      return retractAndRedo(tx, task, { projectId, itemId: last.itemId, annotationId: last.id, userId: p.userId, expiresAt });
    });
    opts.hooks?.onLabelCommitted?.(projectId, { kind: 'undo', itemId: redo.itemId });
    return redo;
  }

  async function progress(p: Principal, projectId: number): Promise<Progress> {
    await requireProject(db, p, projectId, 'project.view');
    const [mine, counts] = await Promise.all([countLiveLabelsOfUser(db, projectId, p.userId), opts.counts(projectId)]);
    return { mine, labeled: counts.labeled, total: counts.items, holdoutLabeled: counts.holdoutLabeled };
  }

  /**
   * Where an item's editor starts: its newest prelabel (a model's prediction or an imported
   * answer), decoded for the project's task; null when there is none. An item outside the
   * project has none either: item ids of other projects do not leak.
   */
  async function prelabel(p: Principal, projectId: number, itemId: number): Promise<{ prelabel: Answer | null; source: 'import' | 'model' | null; confidence?: number }> {
    const { project } = await requireProject(db, p, projectId, 'project.label');
    const task = taskOfProject(project);
    if (task.task === 'classification') {
      // A class is suggested from the applied ranking's prediction, when the project wants it and
      // never on a holdout or gold item (lib/tasks/suggestion.ts); the response keeps the prelabel shape.
      const facts = await findSuggestionFacts(db, projectId, itemId, p.userId);
      const settings = resolveProjectSettings(project.settings);
      const item = facts && { split: facts.split, gold: facts.hasReference && settings.queue.settings.goldShare > 0 };
      // A class the upload brought as a prelabel to confirm comes first: someone chose it for this item.
      const imported = facts && item ? await findLatestPrelabel(db, projectId, itemId) : null;
      if (imported?.source === 'import' && facts && item) {
        const label = (decodeAnswer(task, imported.payload) as { label?: string }).label;
        const s = importedSuggestion({ classes: task.config.classes, item, leaseStream: facts.leaseStream }, label);
        if (s) return { prelabel: { task: 'classification', label: s.label }, source: 'import' };
      }
      const s = facts && suggestionFor({
        enabled: settings.labeling.suggestions, classes: task.config.classes,
        item: { split: facts.split, gold: facts.hasReference && settings.queue.settings.goldShare > 0 },
        leaseStream: facts.leaseStream, prediction: facts,
      });
      return s ? { prelabel: { task: 'classification', label: s.label }, source: 'model', confidence: s.confidence ?? undefined } : { prelabel: null, source: null };
    }
    const row = await findLatestPrelabel(db, projectId, itemId);
    return row ? { prelabel: decodeAnswer(taskOfProject(project), row.payload), source: row.source } : { prelabel: null, source: null };
  }

  /** Whether the project has items imported with a class to confirm (the labeling page then asks for each item's). */
  async function hasImportedPrelabels(p: Principal, projectId: number): Promise<boolean> {
    await requireProject(db, p, projectId, 'project.label');
    return projectHasImportedPrelabels(db, projectId);
  }

  return { submit, undo, progress, prelabel, hasImportedPrelabels };
}

export type LabelService = ReturnType<typeof createLabelService>;
