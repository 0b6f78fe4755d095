import { route } from '@/server/http/route';
import { UPLOAD_MAX_BODY_BYTES, UPLOAD_TOO_LARGE } from '@/server/http/request-guard';
import { readUploadForm } from '@/server/http/upload-form';
import { ProjectParams } from '@/lib/protocol/labeling';

export const dynamic = 'force-dynamic';

/**
 * One batch of a browser upload (admins, and leads on their project): multipart/form-data with
 * a `meta` part (JSON, lib/import/upload.ts UploadMeta) and one `file` part per entry, in
 * order. Answers what the batch came to: `{ added, duplicates, failed: [{ file, reason }] }`.
 * The access check comes before a byte of the body is read; a batch sent again adds nothing.
 */
export const POST = route({
  params: ProjectParams,
  access: 'project.import',
  raw: { types: /^multipart\/form-data\s*;/i, expected: 'the files as multipart/form-data (a "meta" part, then one "file" part per file)', maxBodyBytes: UPLOAD_MAX_BODY_BYTES, tooLarge: UPLOAD_TOO_LARGE },
}, async ({ principal, params, raw, rt }) => {
  const { meta, files } = await readUploadForm(raw!.bytes, raw!.contentType);
  return rt.services.uploads.import(principal, params.projectId, meta, files);
});
