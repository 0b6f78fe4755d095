import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../../db/client';
import { decodeAnswer } from '../../db/queries/answers';
import { listCurrentLabels, listStandingAnswers, type CurrentLabel } from '../../db/queries/annotations';
import { TandemError } from '../../lib/errors';
import { taskOfProject, type ProjectTask } from '../../lib/tasks';
import { CODECS, CODEC_NAMES, codecsOf } from '../../lib/tasks/codecs';
import type { LabeledImage, SpatialAnswer } from '../../lib/tasks/codecs/types';
import type { MediaStore } from '../media';
import { requireProject, type Principal } from './access';
import { yoloLabelPath } from './dataset-files';

export const EXPORT_FORMATS = ['jsonl', 'csv', ...CODEC_NAMES] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** resolved: one row per item, its resolved answer (disputed items wait); all: every standing answer, one row each. */
export const EXPORT_ANSWERS = ['resolved', 'all'] as const;
export type ExportAnswers = (typeof EXPORT_ANSWERS)[number];

export const EXPORT_COLUMNS = ['image', 'label', 'group', 'split', 'annotator', 'source', 'labeled_at', 'answer'] as const;

/** What an export produced: one text (a file or standard output), or a folder of files (YOLO). */
export type ExportResult =
  | { kind: 'text'; text: string; count: number }
  | { kind: 'folder'; files: { path: string; bytes: Uint8Array | string }[]; count: number };

/**
 * The latest standing answer per item, in the format asked for. csv and jsonl carry every task
 * type (the manifest's columns image,label,group,split first, so a classification export
 * imports back; `answer` holds the whole answer as JSON); COCO and YOLO carry boxes and
 * skeletons and import back into an equal project.
 */
export async function exportProject(ctx: { db: Db; media: MediaStore }, p: Principal, projectId: number, format: ExportFormat, answers: ExportAnswers = 'resolved'): Promise<ExportResult> {
  const { project } = await requireProject(ctx.db, p, projectId, 'project.export');
  const task = taskOfProject(project);
  if (answers === 'all' && format !== 'jsonl' && format !== 'csv') {
    throw new TandemError('bad_request', `${format} holds one answer per image: export every answer as jsonl or csv, or the resolved answers as ${format}`);
  }
  const rows = answers === 'all' ? await listStandingAnswers(ctx.db, projectId) : await listCurrentLabels(ctx.db, projectId);
  switch (format) {
    case 'jsonl':
    case 'csv':
      return { kind: 'text', text: flat(task, rows, format), count: rows.length };
    case 'coco':
    case 'yolo': {
      if (!codecsOf(task).some((c) => c.name === format)) {
        throw new TandemError('bad_request', `a ${task.task} project exports as ${['jsonl', 'csv', ...codecsOf(task).map((c) => c.name)].join(', ')}, not ${format}`);
      }
      const images = labeledImages(task, rows);
      if (format === 'coco') return { kind: 'text', text: `${JSON.stringify(CODECS.coco.encode(task, images))}\n`, count: images.length };
      const yolo = CODECS.yolo.encode(task, images.map((i) => ({ ...i, fileName: `images/${i.fileName}` })));
      const files: { path: string; bytes: Uint8Array | string }[] = [{ path: 'data.yaml', bytes: yolo.dataYaml }];
      for (const [k, l] of yolo.labels.entries()) {
        files.push({ path: l.image, bytes: await ctx.media.read(rows[k].media) });
        files.push({ path: yoloLabelPath(l.image), bytes: l.text });
      }
      return { kind: 'folder', files, count: images.length };
    }
    default: {
      const never: never = format;
      throw new TandemError('bad_request', `unknown export format ${String(never)}`);
    }
  }
}

function flat(task: ProjectTask, rows: CurrentLabel[], format: 'jsonl' | 'csv'): string {
  const out = rows.map((r) => {
    const { task: _task, ...answer } = decodeAnswer(task, r.payload);
    return {
      image: r.sourceName, label: r.label, group: r.groupKey, split: r.split, annotator: r.userEmail,
      source: r.source, labeled_at: r.labeledAt.toISOString(), answer: format === 'csv' ? JSON.stringify(answer) : answer,
    };
  });
  if (format === 'jsonl') return out.map((r) => JSON.stringify(r)).join('\n') + (out.length ? '\n' : '');
  return stringify(out, { header: true, columns: [...EXPORT_COLUMNS] });
}

function labeledImages(task: ProjectTask, rows: CurrentLabel[]): LabeledImage[] {
  return rows.map((r) => {
    if (r.width === null || r.height === null) throw new TandemError('conflict', `item "${r.sourceName}" has no known image size; re-import it to export it as boxes or keypoints`);
    return { fileName: r.sourceName.split(path.sep).join('/'), width: r.width, height: r.height, answer: decodeAnswer(task, r.payload) as SpatialAnswer };
  });
}
