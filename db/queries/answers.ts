import { sql, type SQL } from 'drizzle-orm';
import { TandemError } from '../../lib/errors';
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

export const annotationAlias = (alias: string): AnnotationRef => ({
  id: sql.raw(`${alias}.id`), action: sql.raw(`${alias}.action`), payload: sql.raw(`${alias}.payload`),
});

/**
 * A standing answer: a `label` version that no `retract` names. Asked by every count, export,
 * trainer feed and label book; the `annotations_retracts` index keeps the `not exists` cheap.
 */
export function isStanding(a: AnnotationRef): SQL {
  return sql`(${a.action} = 'label' and not exists (select 1 from annotations r where r.retracts = ${a.id}))`;
}

/** The class of a classification answer (null for other task types' answers). */
export function classLabelSql(payload: SQL): SQL {
  return sql`${payload}->>'label'`;
}

/** The `annotations` table through drizzle's columns (query-builder queries). */
export const ANNOTATIONS: AnnotationRef = { id: sql`${annotations.id}`, action: sql`${annotations.action}`, payload: sql`${annotations.payload}` };

/** The alias `a`, as the raw-SQL queries name the annotations they read. */
export const A = annotationAlias('a');
