import { sql, type SQL } from 'drizzle-orm';
import { TandemError } from '../../lib/errors';
import { isAnswered, ITEM_STATES, TRAINABLE_STATES } from '../../lib/agreement/item-state';
import { Answer, type ProjectTask } from '../../lib/tasks';
import { annotations } from '../schema';

/**
 * How answers are kept in `annotations.payload` and `prelabels.payload`, and the one definition
 * of a standing answer. No other module reads a path inside a payload in SQL, and no other
 * module writes the "not retracted" condition.
 *
 * Stored form: the answer as `lib/tasks` `Answer` says, `{ task, ...fields }`. Answers stored
 * before task types existed are `{ label }` with no `task`: they are classification answers.
 */

export type StoredAnswer = Record<string, unknown>;

export function encodeAnswer(answer: Answer): StoredAnswer {
  return answer as StoredAnswer;
}

/** A stored payload read back as the project's answer; a payload the schema refuses is a fault, not user input. */
export function decodeAnswer(task: ProjectTask, stored: unknown): Answer {
  const withTask = stored && typeof stored === 'object' && !('task' in stored) ? { task: task.task, ...stored } : stored;
  const parsed = Answer.safeParse(withTask);
  if (!parsed.success) throw new TandemError('internal', `a stored ${task.task} answer is unreadable: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
  return parsed.data;
}

/** A reference to an annotations row in SQL: a table alias (`a`) or drizzle's columns. */
export type AnnotationRef = { id: SQL; action: SQL; payload: SQL };

export const annotationAlias = (alias: string): AnnotationRef & { source: SQL } => ({
  id: sql.raw(`${alias}.id`), action: sql.raw(`${alias}.action`), payload: sql.raw(`${alias}.payload`), source: sql.raw(`${alias}.source`),
});

/**
 * A standing answer: a `label` version that no `retract` names. Asked by every count, export,
 * trainer feed and label book; the `annotations_retracts` index keeps the `not exists` cheap.
 */
export function isStanding(a: AnnotationRef): SQL {
  return sql`(${a.action} = 'label' and not exists (select 1 from annotations r where r.retracts = ${a.id}))`;
}

/** Sources of answers people gave (annotators and imports): what agreement is measured over. */
export const PEOPLE_SOURCES = ['human', 'import'] as const;

/**
 * Which standing answer an item resolved to, as an `order by` after `a.item_id`: a lead's decision,
 * then a consensus, then the newest answer a person gave. Together with an item state in
 * `TRAINABLE_STATES` it is the one definition of the resolved answer the trainer and the export read.
 */
export function resolvedFirst(a: AnnotationRef & { source: SQL }): SQL {
  return sql`(case ${a.source} when 'review' then 2 when 'consensus' then 1 else 0 end) desc, ${a.id} desc`;
}

/** An item state (a column or alias) whose resolved answer the trainer learns from and the export writes. */
export function isTrainable(status: SQL): SQL {
  return sql`${status} in (${sql.join(TRAINABLE_STATES.map((s) => sql`${s}`), sql`, `)})`;
}

/** An item state that has been answered at all (counts, budgets); an `in` list the (project, status) index serves. */
export function isAnsweredState(status: SQL): SQL {
  return sql`${status} in (${sql.join(ITEM_STATES.filter(isAnswered).map((s) => sql`${s}`), sql`, `)})`;
}

/** The class of a classification answer (null for other task types' answers). */
export function classLabelSql(payload: SQL): SQL {
  return sql`${payload}->>'label'`;
}

/** The `annotations` table through drizzle's columns (query-builder queries). */
export const ANNOTATIONS: AnnotationRef = { id: sql`${annotations.id}`, action: sql`${annotations.action}`, payload: sql`${annotations.payload}` };

/** The alias `a`, as the raw-SQL queries name the annotations they read. */
export const A = annotationAlias('a');
