import { parse } from 'csv-parse/sync';
import { z } from 'zod';

/** One row of an import manifest (JSONL object or CSV line with a header). */
export const ManifestRow = z.object({
  image: z.string().trim().min(1, 'image path is empty'),
  label: z.string().trim().min(1).optional(),
  group: z.string().trim().min(1).optional(),
  split: z.enum(['pool', 'holdout']).optional(),
});
export type ManifestRow = z.infer<typeof ManifestRow>;

export type ParsedLine = { line: number; row: ManifestRow } | { line: number; error: string };

/** RFC 4180 CSV (quoted fields, doubled quotes, newlines in quotes), blank lines skipped. */
export function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
}

const blankToUndefined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v !== null && v !== undefined));

function check(line: number, raw: unknown): ParsedLine {
  const r = ManifestRow.safeParse(raw && typeof raw === 'object' ? blankToUndefined(raw as Record<string, unknown>) : raw);
  if (r.success) return { line, row: r.data };
  return { line, error: r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ') };
}

export function parseJsonl(text: string): ParsedLine[] {
  const out: ParsedLine[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    if (l.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(l);
    } catch {
      out.push({ line: i + 1, error: 'not valid JSON' });
      return;
    }
    out.push(check(i + 1, raw));
  });
  return out;
}

/** A CSV manifest must have a header naming at least the `image` column. */
export function parseCsvManifest(text: string): ParsedLine[] {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (e) {
    return [{ line: 1, error: `malformed CSV: ${(e as Error).message}` }];
  }
  if (rows.length === 0) return [];
  const header = rows[0].map((h) => h.trim().toLowerCase());
  if (!header.includes('image')) return [{ line: 1, error: 'the CSV header must name an "image" column (image,label,group,split)' }];
  return rows.slice(1).map((cells, i) => check(i + 2, Object.fromEntries(header.map((h, j) => [h, cells[j]]))));
}
