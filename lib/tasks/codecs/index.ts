import type { ProjectTask, TaskTypeName } from '../index';
import { decodeCoco, encodeCoco } from './coco';
import { decodeYolo, encodeYolo } from './yolo';

/**
 * Exchange formats by name. Each entry says which task types it carries; the CLI asks
 * `codecsOf(task)` for what a project can import and export. Decoders take what the caller read
 * (the text of a file, or of several with the images' sizes) and return typed answers or every
 * problem at once; encoders return text and objects for the caller to write.
 */

export const CODECS = {
  coco: {
    name: 'coco',
    title: 'COCO JSON',
    description: 'One JSON file: images, categories and annotations (instances with bbox, or person keypoints with a skeleton).',
    tasks: ['boxes', 'keypoints'] as const,
    decode: decodeCoco,
    encode: encodeCoco,
  },
  yolo: {
    name: 'yolo',
    title: 'YOLO (Ultralytics)',
    description: 'A data.yaml and one label text file per image: detect (class cx cy w h) or pose (then x y v per point), normalised.',
    tasks: ['boxes', 'keypoints'] as const,
    decode: decodeYolo,
    encode: encodeYolo,
  },
} as const;

export type CodecName = keyof typeof CODECS;
export const CODEC_NAMES = Object.keys(CODECS) as CodecName[];
export type Codec = (typeof CODECS)[CodecName];

/** The formats a project of this task type can import and export (none for classification: it uses csv and jsonl). */
export function codecsOf(task: ProjectTask | TaskTypeName): Codec[] {
  const name = typeof task === 'string' ? task : task.task;
  return CODEC_NAMES.map((n) => CODECS[n]).filter((c) => (c.tasks as readonly string[]).includes(name));
}

export { decodeCoco, encodeCoco, type CocoJson } from './coco';
export { decodeYolo, encodeYolo, yoloLabelFileOf, yoloLabelPath, type YoloFiles, type YoloInput, type YoloLabelFile } from './yolo';
export { decodedOrThrow, describeIssues, type Dataset, type Decoded, type ImportIssue, type LabeledImage, type SpatialAnswer } from './types';
export { DEFAULT_SIGMA, flipsByName, genericPointNames, sigmasByName } from './skeleton-of';
export { fitToProject } from './fit';
