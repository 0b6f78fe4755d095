import { z } from 'zod';
import { route } from '@/server/http/route';
import { parseInput, TandemError } from '@/lib/errors';
import { ProjectParams } from '@/lib/protocol/labeling';
import { EXPORT_ANSWERS, EXPORT_FORMATS } from '@/server/services/dataset-export';

export const dynamic = 'force-dynamic';

const ExportQuery = z.object({
  format: z.enum(EXPORT_FORMATS, { error: `format must be one of ${EXPORT_FORMATS.join(', ')}` }).default('csv'),
  answers: z.enum(EXPORT_ANSWERS, { error: 'answers must be resolved (one per item) or all (every answer)' }).default('resolved'),
}).strict();

const TYPES = { csv: 'text/csv; charset=utf-8', jsonl: 'application/x-ndjson; charset=utf-8', coco: 'application/json; charset=utf-8' } as const;

/** The project's answers as a file to download: `?format=csv|jsonl|coco&answers=resolved|all` (leads and admins). */
export const GET = route({ params: ProjectParams }, async ({ principal, params, req, rt }) => {
  const query = parseInput(ExportQuery, Object.fromEntries(new URL(req?.url ?? 'http://x/').searchParams), 'query');
  if (query.format === 'yolo') throw new TandemError('bad_request', 'yolo is a folder of images and label files: export it with `npx tandem export PROJECT --format yolo --out DIR`, or download coco');
  const project = await rt.services.projects.get(principal, params.projectId);
  const r = await rt.services.exports.project(principal, params.projectId, query.format, query.answers);
  if (r.kind !== 'text') throw new TandemError('bad_request', `${query.format} is a folder: use the CLI`);
  const ext = query.format === 'coco' ? 'json' : query.format;
  return new Response(r.text, {
    headers: {
      'content-type': TYPES[query.format as keyof typeof TYPES],
      'content-disposition': `attachment; filename="${project.slug}-${query.answers === 'all' ? 'all-answers' : 'answers'}.${ext}"`,
    },
  });
});
