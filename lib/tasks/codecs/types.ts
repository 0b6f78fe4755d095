import { TandemError } from '../../errors';
import type { AnswerOf, ProjectTask } from '../index';

/**
 * What the COCO and YOLO codecs share. Codecs are pure: the caller reads the files and hands
 * their text (and the images' sizes) in; a codec returns typed answers or every problem at
 * once, so an import is refused whole instead of stored in part.
 */

/** One problem in an imported file: where (file and line, or annotation id) and what. */
export interface ImportIssue {
  where: string;
  message: string;
}

export type SpatialAnswer = AnswerOf<'boxes'> | AnswerOf<'keypoints'>;

/** One image of a dataset with its answer (an empty list of boxes or skeletons: nothing there). */
export interface LabeledImage {
  /** The image's name as the file gives it (COCO's file_name, a YOLO image's relative path). */
  fileName: string;
  width: number;
  height: number;
  answer: SpatialAnswer;
}

/** A decoded dataset: the project's task config the file implies, and each image's answer. */
export interface Dataset {
  task: Extract<ProjectTask, { task: 'boxes' | 'keypoints' }>;
  images: LabeledImage[];
  /** Annotations the file holds that Tandem does not import (COCO crowd regions), by count. */
  skipped: { crowd: number };
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; issues: ImportIssue[] };

/** One line for a person: the first `max` issues and how many more there are. */
export function describeIssues(issues: readonly ImportIssue[], max = 20): string {
  const shown = issues.slice(0, max).map((i) => `${i.where}: ${i.message}`);
  return issues.length > max ? `${shown.join('\n')}\n… and ${issues.length - max} more` : shown.join('\n');
}

/** The value, or a bad_request listing the problems (nothing of the file is to be stored). */
export function decodedOrThrow<T>(decoded: Decoded<T>, what: string): T {
  if (decoded.ok) return decoded.value;
  const n = decoded.issues.length;
  throw new TandemError('bad_request', `${what}: ${n} problem${n === 1 ? '' : 's'}, nothing imported\n${describeIssues(decoded.issues)}`);
}
