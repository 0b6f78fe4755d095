import { z } from 'zod';
import { route } from '@/server/http/route';
import { parseInput, TandemError } from '@/lib/errors';
import { ProjectParams } from '@/lib/protocol/labeling';
import { EXPORT_ANSWERS, EXPORT_FORMATS } from '@/server/services/dataset-export';
import { zipFolder } from '@/server/services/export-zip';

export const dynamic = 'force-dynamic';

const ExportQuery = z.object({
  format: z.enum(EXPORT_FORMATS, { error: `format must be one of ${EXPORT_FORMATS.join(', ')}` }).default('csv'),
  answers: z.enum(EXPORT_ANSWERS, { error: 'answers must be resolved (one per item) or all (every answer)' }).default('resolved'),
}).strict();

const TYPES = { csv: 'text/csv; charset=utf-8', jsonl: 'application/x-ndjson; charset=utf-8', coco: 'application/json; charset=utf-8' } as const;

/**
 * The project's answers as a file to download: `?format=csv|jsonl|coco|yolo&answers=resolved|all`
 * (leads and admins). YOLO, a folder of images and label files, comes as a zip of that folder.
 */
export const GET = route({ params: ProjectParams }, async ({ principal, params, req, rt }) => {
  const query = parseInput(ExportQuery, Object.fromEntries(new URL(req?.url ?? 'http://x/').searchParams), 'query');
  const project = await rt.services.projects.get(principal, params.projectId);
  const r = await rt.services.exports.project(principal, params.projectId, query.format, query.answers);
  const name = `${project.slug}-${query.answers === 'all' ? 'all-answers' : 'answers'}`;
  if (r.kind === 'folder') {
    const zip = zipFolder(`${name}-${query.format}`, r.files, `export it with \`npx tandem export ${project.slug} --format ${query.format} --out DIR\``);
    return new Response(new Blob([zip as Uint8Array<ArrayBuffer>]), {
      headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${name}-${query.format}.zip"` },
    });
  }
  const ext = query.format === 'coco' ? 'json' : query.format;
  return new Response(r.text, {
    headers: {
      'content-type': TYPES[query.format as keyof typeof TYPES],
      'content-disposition': `attachment; filename="${name}.${ext}"`,
    },
  });
});
