import type { Db } from '../../db/client';
import { decodeAnswer } from '../../db/queries/answers';
import { browseItems, type BrowseFilter } from '../../db/queries/item-browse';
import {
  findProjectItem, findRankingEntry, hasAnswered, listItemComments, listItemFlags, listItemLeases, listItemVersions,
} from '../../db/queries/item-detail';
import { findLatestPrelabel } from '../../db/queries/prelabels';
import { findAppliedRanking } from '../../db/queries/rankings';
import { TRAINABLE_STATES } from '../../lib/agreement/item-state';
import { TandemError, parseInput } from '../../lib/errors';
import { itemHistory } from '../../lib/items/history';
import { summarizeAnswer } from '../../lib/items/summary';
import { encodeCursor, ItemsQuery } from '../../lib/protocol/items';
import { can } from '../../lib/roles';
import { taskOfProject, type Answer, type ProjectTask } from '../../lib/tasks';
import { requireProject, type Principal } from './access';

/** The answer of a stored version as the pages show it: decoded, and in a few words. */
function shown(task: ProjectTask, payload: unknown): { answer: Answer; summary: string } {
  const answer = decodeAnswer(task, payload);
  return { answer, summary: summarizeAnswer(task, answer) };
}

/**
 * Browsing and reading items: the lead's grid of a project's items under filters, and one item's
 * page. Leads and admins see everything; an annotator opens only items they answered and sees
 * there only their own versions and the outcome (a decision or consensus the item resolved to),
 * never another annotator's answer.
 */
export function createItemService(db: Db) {
  /** A page of the project's items (leads and admins). `query` is the parsed `ItemsQuery` or its text form. */
  async function browse(p: Principal, projectId: number, query: unknown) {
    const q = parseInput(ItemsQuery, query, 'items query');
    const { project } = await requireProject(db, p, projectId, 'project.review');
    const task = taskOfProject(project);
    const ranking = await findAppliedRanking(db, projectId);
    const filter: BrowseFilter = {
      status: q.status, split: q.split, stream: q.stream, class: q.class, predicted: q.predicted, annotator: q.annotator,
      disputed: q.disputed, flagged: q.flagged, uncertaintyMin: q.uncertaintyMin, uncertaintyMax: q.uncertaintyMax, from: q.from, to: q.to,
    };
    const { rows: page, next } = await browseItems(db, { projectId, rankingId: ranking?.id ?? null, filter, sort: q.sort, after: q.after, limit: q.limit });
    return {
      sort: q.sort,
      ranking: ranking ? { id: ranking.id, labelCount: ranking.labelCount } : null,
      // A page may hold fewer than `limit` items and still have a next one (a rare class: the walk stops after bounded work).
      next: next ? encodeCursor(next) : null,
      items: page.map((r) => {
        const resolved = r.resolved ? shown(task, r.resolved.payload) : null;
        return {
          id: r.id, status: r.status, split: r.split, width: r.width, height: r.height, sourceName: r.sourceName,
          answers: r.answers, answeredAt: r.answeredAt, openFlags: r.openFlags, predicted: r.predicted,
          resolved: resolved && r.resolved ? {
            summary: resolved.summary, source: r.resolved.source, class: resolved.answer.task === 'classification' ? resolved.answer.label : null,
          } : null,
        };
      }),
    };
  }

  /** Everything the item's page shows, cut to what the caller may see. */
  async function detail(p: Principal, projectId: number, itemId: number) {
    const { project, projectRole } = await requireProject(db, p, projectId, 'project.view');
    const lead = can({ userRole: p.role, projectRole }, 'project.review');
    const item = await findProjectItem(db, projectId, itemId);
    if (!item) throw new TandemError('not_found', `no item ${itemId} in project ${projectId}`);
    if (!lead && !(await hasAnswered(db, itemId, p.userId))) {
      throw new TandemError('forbidden', `you can open only items you answered; item ${itemId} is not one of them`);
    }
    const task = taskOfProject(project);
    const [versions, flags, comments] = await Promise.all([listItemVersions(db, itemId), listItemFlags(db, itemId), listItemComments(db, itemId)]);
    // A disputed or open item resolves to nothing yet, whatever stands (a weak consensus is not an outcome).
    const settled = TRAINABLE_STATES.includes(item.status);
    const history = itemHistory(versions).map((e) => ({ ...e, resolved: e.resolved && settled }));
    // An annotator sees their own versions and what the item was decided to, nothing of anyone else's answer.
    const visible = lead ? history : history.filter((e) => e.version.userId === p.userId
      || (e.resolved && (e.version.source === 'review' || e.version.source === 'consensus')));
    const visibleIds = new Set(visible.map((e) => e.version.id));
    const [prediction, leases] = lead ? await Promise.all([modelView(projectId, itemId, task), listItemLeases(db, itemId)]) : [null, []];
    return {
      project: { id: project.id, name: project.name },
      task,
      viewer: { lead, userId: p.userId },
      item: {
        id: item.id, status: item.status, split: item.split, width: item.width, height: item.height, sourceName: item.sourceName,
        groupKey: item.groupKey, frameIndex: item.frameIndex, createdAt: item.createdAt,
      },
      history: visible.map(({ version: v, replaces, standing, resolved }) => ({
        id: v.id, action: v.action, source: v.source, reason: v.reason, confidence: v.confidence, createdAt: v.createdAt,
        user: v.userId === null ? null : { id: v.userId, name: v.userName, email: lead ? v.userEmail : null },
        replaces: replaces !== null && visibleIds.has(replaces) ? replaces : null,
        standing, resolved,
        ...(v.action === 'label' ? shown(task, v.payload) : { answer: null, summary: null }),
      })),
      prediction,
      leases: leases.map((l) => ({ stream: l.stream, state: l.state, user: { id: l.userId, name: l.userName }, claimedAt: l.claimedAt, endedAt: l.endedAt })),
      flags: flags.filter((f) => lead || f.userId === p.userId).map((f) => ({
        id: f.id, kind: f.kind, reason: f.reason, comment: f.comment, priority: f.priority, createdAt: f.createdAt, resolvedAt: f.resolvedAt,
        user: f.userId === null ? null : { id: f.userId, name: f.userName },
      })),
      // An annotator (who answered the item) reads their own comments and the leads' and admins' replies, never another annotator's.
      comments: comments.filter((c) => lead || c.userId === p.userId || c.byLead).map((c) => ({
        id: c.id, body: c.body, createdAt: c.createdAt, byLead: c.byLead, user: c.userId === null ? null : { id: c.userId, name: c.userName },
      })),
    };
  }

  /** The model's view of the item: its prelabel (a prediction or an imported answer) and its place in the newest ranking. */
  async function modelView(projectId: number, itemId: number, task: ProjectTask) {
    const [pre, ranking] = await Promise.all([findLatestPrelabel(db, projectId, itemId), findAppliedRanking(db, projectId)]);
    const entry = ranking ? await findRankingEntry(db, ranking.id, itemId) : null;
    return {
      prelabel: pre ? { source: pre.source, ...shown(task, pre.payload) } : null,
      ranking: ranking && entry ? { rankingId: ranking.id, labelCount: ranking.labelCount, ...entry } : null,
    };
  }

  return { browse, detail };
}

export type ItemService = ReturnType<typeof createItemService>;
