import type { Db } from '../../db/client';
import { encodeAnswer, type StoredAnswer } from '../../db/queries/answers';
import { recordImport } from '../../db/queries/imports';
import { insertItemsWithAnswers, type ItemWithAnswer } from '../../db/queries/items';
import { parseInput, TandemError } from '../../lib/errors';
import { splitForGroup } from '../../lib/holdout';
import { mapLimit } from '../../lib/import/map-limit';
import { UploadMeta, UPLOAD_LIMITS, type UploadFailure, type UploadTally } from '../../lib/import/upload';
import { hashUnit } from '../../lib/random';
import { parseAnswer, taskOfProject } from '../../lib/tasks';
import type { LifecycleHooks } from '../lifecycle';
import type { MediaStore } from '../media';
import { requireProject, type Principal } from './access';
import { decodeImage } from './image-decode';

/** The seed of the holdout draw and the dealing order, as `tandem import` uses by default: a file gets the same split either way. */
const SEED = 1;
const IO_CONCURRENCY = 8;

export interface UploadContext {
  db: Db;
  media: MediaStore;
  hooks?: Pick<LifecycleHooks, 'onItemsImported'>;
}

/**
 * One request of a browser upload: a batch of files with what the page knows of each (its
 * name as dropped, and a label, group or split from its folder or a manifest). Every file is
 * decoded in full, so a broken one is named with its reason and the rest still import; all of
 * the batch's items commit in one transaction. Content hashes are unique per project, so a
 * batch sent twice (the connection dropped before its answer came) adds nothing the second
 * time: its files count as duplicates.
 */
export async function importUpload(ctx: UploadContext, p: Principal, projectId: number, metaIn: unknown, files: readonly Uint8Array[]): Promise<UploadTally> {
  const { project } = await requireProject(ctx.db, p, projectId, 'project.import');
  const meta = parseInput(UploadMeta, metaIn, 'upload');
  if (files.length !== meta.files.length) {
    throw new TandemError('bad_request', `the upload names ${meta.files.length} files but carries ${files.length}; send one file part per entry`);
  }
  const task = taskOfProject(project);
  const classes = new Set(project.classes);
  const labelled = meta.labels !== 'ignore' && meta.files.some((f) => f.label !== undefined);
  const answered = meta.labels !== 'ignore' && meta.files.some((f) => f.answer !== undefined);
  if (answered && task.task === 'classification') {
    throw new TandemError('bad_request', 'a classification project takes its classes from folder names or a manifest, not from a COCO file\'s answers');
  }
  if (labelled && task.task !== 'classification') {
    throw new TandemError('bad_request', `folder names and manifest labels are classes, and a ${task.task} project has none to give: upload with labels ignored`);
  }

  const failed: UploadFailure[] = [];
  const loaded = await mapLimit([...files.keys()], IO_CONCURRENCY, async (i) => {
    const entry = meta.files[i];
    const bytes = files[i];
    const label = meta.labels === 'ignore' ? undefined : entry.label;
    if (label !== undefined && !classes.has(label)) {
      return void failed.push({ file: entry.name, reason: `"${label}" is not one of the project's classes (${[...classes].join(', ')})` }), null;
    }
    if (bytes.byteLength === 0) return void failed.push({ file: entry.name, reason: 'the file is empty' }), null;
    if (bytes.byteLength > UPLOAD_LIMITS.fileBytes) return void failed.push({ file: entry.name, reason: `larger than ${UPLOAD_LIMITS.fileBytes >> 20} MiB, the most one image may be` }), null;
    let info: ReturnType<typeof decodeImage>;
    try {
      info = decodeImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (e) {
      return void failed.push({ file: entry.name, reason: plainReason((e as Error).message) }), null;
    }
    if (entry.width !== undefined && entry.height !== undefined && (entry.width !== info.width || entry.height !== info.height)) {
      return void failed.push({ file: entry.name, reason: `the image is ${info.width}×${info.height} but the COCO file says ${entry.width}×${entry.height}` }), null;
    }
    let answer: StoredAnswer | undefined;
    if (meta.labels !== 'ignore' && entry.answer !== undefined) {
      try {
        answer = encodeAnswer(parseAnswer(task, entry.answer, { width: info.width, height: info.height }));
      } catch (e) {
        return void failed.push({ file: entry.name, reason: `its answer in the COCO file does not fit the project: ${(e as Error).message.replace(/^bad answer: /, '')}` }), null;
      }
    } else if (label !== undefined) answer = encodeAnswer({ task: 'classification', label });
    const { key, hash } = await ctx.media.put(bytes, info.format.ext);
    return { entry, answer, key, hash, info };
  });

  const seen = new Set<string>();
  const rows: ItemWithAnswer[] = [];
  let duplicates = 0;
  for (const l of loaded) {
    if (!l) continue;
    // The same picture twice in one batch: the first copy wins.
    if (seen.has(l.hash)) { duplicates++; continue; }
    seen.add(l.hash);
    const group = l.entry.group ?? l.entry.name;
    const answer = l.answer;
    rows.push({
      item: {
        projectId, media: l.key, mediaType: l.info.format.mediaType, contentHash: l.hash, sourceName: l.entry.name, groupKey: group,
        split: l.entry.split ?? splitForGroup(group, meta.holdout, SEED), dealKey: hashUnit(l.hash, SEED),
        status: meta.labels === 'annotate' && answer ? 'resolved' : 'open', width: l.info.width, height: l.info.height,
      },
      label: meta.labels === 'annotate' ? answer : undefined,
      prelabel: meta.labels === 'prelabel' ? answer : undefined,
    });
  }
  const added = rows.length ? await ctx.db.transaction((tx) => insertItemsWithAnswers(tx, rows)) : 0;
  const tally: UploadTally = { added, duplicates: duplicates + rows.length - added, failed };
  await recordImport(ctx.db, { projectId, source: `upload: ${describeBatch(meta.files.map((f) => f.name))}`, added, duplicates: tally.duplicates, failed });
  if (added > 0) ctx.hooks?.onItemsImported(projectId, { added });
  return tally;
}

function describeBatch(names: string[]): string {
  const first = names[0].length > 200 ? `${names[0].slice(0, 200)}…` : names[0];
  return names.length === 1 ? first : `${first} and ${names.length - 1} more`;
}

/** The decoder's words, for a person: what is wrong with the file, not the library's internals. */
function plainReason(message: string): string {
  if (message.startsWith('not a PNG or JPEG')) return 'not a PNG or JPEG image (its first bytes say otherwise, whatever its name)';
  const m = /^broken or truncated (PNG|JPEG)/.exec(message);
  if (m) return `a broken or cut-off ${m[1]} image: it cannot be read to the end`;
  return message;
}
