import { z } from 'zod';
import { TandemError, describeZodError } from '../errors';
import { boxes, BoxesConfig, BoxesPayload, BoxesPrediction } from './boxes';
import { classification, ClassificationConfig, ClassificationPayload, ClassificationPrediction } from './classification';
import { keypoints, KeypointsConfig, KeypointsPayload, KeypointsPrediction } from './keypoints';
import type { AnswerIssue, BuiltinRanking, ImageSize, Metrics, TaskType } from './types';
import { SKELETON_PRESETS, type SkeletonPreset } from './skeletons';

/**
 * The task-type registry: everything that differs between classification, boxes and keypoint
 * skeletons is declared by one entry here. Code outside `lib/tasks/` asks the registry and
 * never branches on the name by hand.
 */

export const TASK_TYPE_NAMES = ['classification', 'boxes', 'keypoints'] as const;
export type TaskTypeName = (typeof TASK_TYPE_NAMES)[number];
export const TaskTypeName = z.enum(TASK_TYPE_NAMES, { error: `must be one of ${TASK_TYPE_NAMES.join(', ')}` });

export const TASK_TYPES = { classification, boxes, keypoints } as const;

/* eslint-disable @typescript-eslint/no-explicit-any */
export type AnyTaskType = TaskType<TaskTypeName, any, any, any>;

export function taskType(name: TaskTypeName): AnyTaskType {
  const entry = TASK_TYPES[name];
  if (!entry) throw new TandemError('bad_request', `unknown task type "${String(name)}" (known: ${TASK_TYPE_NAMES.join(', ')})`);
  return entry as AnyTaskType;
}

/** A project's task: its type and that type's config, as one discriminated union. */
export const ProjectTask = z.discriminatedUnion('task', [
  z.object({ task: z.literal('classification'), config: ClassificationConfig }),
  z.object({ task: z.literal('boxes'), config: BoxesConfig }),
  z.object({ task: z.literal('keypoints'), config: KeypointsConfig }),
]);
export type ProjectTask = z.infer<typeof ProjectTask>;

/** An answer: what an annotator (or an import, or consensus) says about one item. */
export const Answer = z.discriminatedUnion('task', [
  ClassificationPayload.extend({ task: z.literal('classification') }),
  BoxesPayload.extend({ task: z.literal('boxes') }),
  KeypointsPayload.extend({ task: z.literal('keypoints') }),
]);
export type Answer = z.infer<typeof Answer>;
export type AnswerOf<T extends TaskTypeName> = Extract<Answer, { task: T }>;

export const Prediction = z.discriminatedUnion('task', [
  ClassificationPrediction.extend({ task: z.literal('classification') }),
  BoxesPrediction.extend({ task: z.literal('boxes') }),
  KeypointsPrediction.extend({ task: z.literal('keypoints') }),
]);
export type Prediction = z.infer<typeof Prediction>;

function issueLine(issues: AnswerIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  return issues.length > 5 ? `${shown.join('; ')}; and ${issues.length - 5} more` : shown.join('; ');
}

/**
 * Parses an answer for a project: its shape for the project's task type, then what the shape
 * cannot say (classes the project knows, inside the image, the skeleton's point count).
 * A bad answer is a bad_request naming the field; nothing about it is stored.
 */
export function parseAnswer(task: ProjectTask, raw: unknown, image: ImageSize | null): Answer {
  const entry = taskType(task.task);
  const withTask = raw && typeof raw === 'object' && !Array.isArray(raw) && !('task' in raw) ? { ...raw, task: task.task } : raw;
  const parsed = Answer.safeParse(withTask);
  if (!parsed.success) throw new TandemError('bad_request', `bad answer: ${describeZodError(parsed.error)}`);
  if (parsed.data.task !== task.task) {
    throw new TandemError('bad_request', `bad answer: task: this is a ${task.task} project, the answer is for ${parsed.data.task}`);
  }
  const issues = entry.check(parsed.data, task.config, image);
  if (issues.length) throw new TandemError('bad_request', `bad answer: ${issueLine(issues)}`);
  return parsed.data;
}

/** Parses a project's task config given as input (CLI, API): a bad_request naming the field. */
export function parseProjectTask(raw: unknown): ProjectTask {
  const parsed = ProjectTask.safeParse(raw);
  if (!parsed.success) throw new TandemError('bad_request', `bad task config: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** The class names an answer mentions (for counts and summaries). */
export function classesOfAnswer(task: ProjectTask, answer: Answer): string[] {
  return taskType(task.task).classesOf(answer, task.config);
}

/** The prediction as the answer an annotator would submit by accepting it unchanged. */
export function prelabelOf(task: ProjectTask, prediction: Prediction): Answer {
  if (prediction.task !== task.task) throw new TandemError('bad_request', `a ${prediction.task} prediction cannot prelabel a ${task.task} project`);
  return { task: task.task, ...taskType(task.task).prelabelOf(prediction, task.config) } as Answer;
}

function sameTask(task: ProjectTask, what: string, value: { task: TaskTypeName }): void {
  if (value.task !== task.task) throw new TandemError('bad_request', `a ${value.task} ${what} cannot be scored in a ${task.task} project`);
}

/**
 * How much two answers to one item agree, in [0, 1], symmetric (1: the same answer). The measure
 * is the task type's: class equality, or a panoptic-quality F1 of boxes matched by IoU or
 * skeletons matched by OKS (lib/tasks/agreement.ts).
 */
export function agreementOf(task: ProjectTask, a: Answer, b: Answer): number {
  sameTask(task, 'answer', a);
  sameTask(task, 'answer', b);
  return taskType(task.task).agreement(a, b, task.config);
}

/** Named measures of how two answers to one item agree (the task type's `agreementDetail`). */
export function agreementDetailOf(task: ProjectTask, a: Answer, b: Answer): Record<string, number> {
  sameTask(task, 'answer', a);
  sameTask(task, 'answer', b);
  return taskType(task.task).agreementDetail(a, b, task.config);
}

/** One answer standing for several people's answers to one item, and how sure it is (the task type's `consensus`). */
export function consensusOf(task: ProjectTask, answers: readonly Answer[]): { answer: Answer; confidence: number } {
  for (const a of answers) sameTask(task, 'answer', a);
  const c = taskType(task.task).consensus(answers, task.config);
  return { answer: { task: task.task, ...c.answer } as Answer, confidence: c.confidence };
}

/** Whether every pair of the answers agrees at the task type's level (`agreesAt`): one answer given several times. */
export function answersAgree(task: ProjectTask, answers: readonly Answer[]): boolean {
  const at = taskType(task.task).agreesAt;
  for (let i = 0; i < answers.length; i++) {
    for (let j = i + 1; j < answers.length; j++) if (agreementOf(task, answers[i], answers[j]) < at) return false;
  }
  return true;
}

/**
 * A model's holdout metrics from each held-out item's true answer and the model's prediction for
 * it: accuracy and macro-F1; mAP@0.5, mAP@[.5:.95] and mean IoU; OKS AP@0.5, AP@[.5:.95] and
 * PCK@0.2 (names and meanings in lib/tasks/metrics.ts METRIC_TITLES). A metric with nothing to
 * measure is null.
 */
export function holdoutMetrics(task: ProjectTask, pairs: readonly { truth: Answer; predicted: Prediction }[]): Metrics {
  for (const p of pairs) { sameTask(task, 'answer', p.truth); sameTask(task, 'prediction', p.predicted); }
  return taskType(task.task).metrics(pairs, task.config);
}

/**
 * A project's task from what a person gives when creating it: the type, a class list (for a
 * keypoint project, its category) and a skeleton (a preset's name or the skeleton itself).
 * Each type's config schema takes what it needs and ignores the rest.
 */
export function projectTaskFromInput(input: { taskType: TaskTypeName; classes?: string[]; skeleton?: string | Record<string, unknown> }): ProjectTask {
  const skeleton = typeof input.skeleton === 'string' ? SKELETON_PRESETS[input.skeleton as SkeletonPreset] : input.skeleton;
  if (typeof input.skeleton === 'string' && !skeleton) {
    throw new TandemError('bad_request', `unknown skeleton preset "${input.skeleton}" (presets: ${Object.keys(SKELETON_PRESETS).join(', ')}; or give a skeleton file)`);
  }
  return parseProjectTask({ task: input.taskType, config: { classes: input.classes ?? [], category: input.classes?.[0], skeleton } });
}

/** Every registered task type's name, title and description (the project form, the CLI's help). */
export function describeTaskTypes(): { name: TaskTypeName; title: string; description: string }[] {
  return TASK_TYPE_NAMES.map((name) => ({ name, title: TASK_TYPES[name].title, description: TASK_TYPES[name].description }));
}

export type { AnswerIssue, BuiltinRanking, HoldoutPair, ImageSize, Metrics } from './types';
export { METRIC_TITLES } from './metrics';

/** What a project row says about its task: the type, its classes and the rest of its config. */
export interface ProjectTaskSource {
  taskType: TaskTypeName;
  classes: string[];
  taskConfig: Record<string, unknown>;
}

/**
 * A project's task as the registry sees it. The class list lives in its own column (every
 * type has classes, a keypoint project's category included); the rest of the config beside it.
 */
export function taskOfProject(p: ProjectTaskSource): ProjectTask {
  const parsed = ProjectTask.safeParse({ task: p.taskType, config: { classes: p.classes, category: p.classes[0], ...p.taskConfig } });
  if (!parsed.success) throw new TandemError('internal', `the stored task config of this project is unreadable: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** The project row's columns for a task: the inverse of `taskOfProject`. */
export function projectColumnsOf(task: ProjectTask): ProjectTaskSource {
  switch (task.task) {
    case 'classification':
    case 'boxes':
      return { taskType: task.task, classes: task.config.classes, taskConfig: {} };
    case 'keypoints':
      return { taskType: task.task, classes: [task.config.category], taskConfig: { skeleton: task.config.skeleton } };
    default: {
      const never: never = task;
      throw new Error(`unknown task ${JSON.stringify(never)}`);
    }
  }
}

/**
 * How Tandem's own trainer ranks a pool of this task type: by a model it trains (`model`:
 * classification), or by diversity over image embeddings with no model (`diversity`: boxes,
 * keypoints, until a box or keypoint model exists).
 */
export const builtinRankingOf = (name: TaskTypeName): BuiltinRanking => taskType(name).builtinRanking;

/** Whether Tandem's own trainer trains this task's model (classification today): else it ranks by diversity alone. */
export const hasBuiltinModel = (task: ProjectTask): boolean => builtinRankingOf(task.task) === 'model';

/** Whether checking an answer of this task needs the item's image size. */
export const needsImageSize = (task: ProjectTask): boolean => taskType(task.task).spatial;

export { EditRecord } from './edit';
export { fuseBoxes, fuseKeypoints, skeletonScale, type FusedBox, type FusedSkeleton, type FusionOptions } from './fusion';
