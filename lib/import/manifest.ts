import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { StoredText } from '../protocol/stored';

/**
 * One row of an import manifest (a JSONL object, or a CSV line under a
 * header). `image` is a path relative to the manifest's folder; without
 * `group` the image is its own group; without `split` the split is drawn.
 */
export const ManifestRow = z.object({
  image: StoredText.trim().min(1, 'image path is empty'),
  label: StoredText.trim().min(1, 'label is blank').optional(),
  group: StoredText.trim().min(1, 'group is blank').optional(),
  split: z.enum(['pool', 'holdout'], { error: 'split must be "pool" or "holdout" (leave it empty to draw it)' }).optional(),
});
export type ManifestRow = z.infer<typeof ManifestRow>;

export const MANIFEST_COLUMNS = ['image', 'label', 'group', 'split'] as const;

/** A parsed manifest line, or why it was refused; `line` is 1-based in the file. */
export type ParsedLine = { line: number; row: ManifestRow } | { line: number; error: string };

/** RFC 4180 CSV (quoted fields, doubled quotes, newlines in quotes); blank lines skipped. */
export function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
}

/** Empty cells and nulls mean "not given"; numbers are accepted where a name is (`"label": 3`). */
function normalise(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === '' || v === null || v === undefined) continue;
    out[k] = typeof v === 'number' && Number.isFinite(v) ? String(v) : v;
  }
  return out;
}

function check(line: number, raw: unknown): ParsedLine {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { line, error: 'expected an object like {"image": "a.png", "label": "cat"}' };
  const r = ManifestRow.safeParse(normalise(raw as Record<string, unknown>));
  if (r.success) return { line, row: r.data };
  return { line, error: r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ') };
}

export function parseJsonl(text: string): ParsedLine[] {
  const out: ParsedLine[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((l, i) => {
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

/** A CSV manifest must start with a header naming at least the `image` column; other columns are ignored. */
export function parseCsvManifest(text: string): ParsedLine[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true, info: true }) as unknown as typeof records;
  } catch (e) {
    return [{ line: 1, error: `malformed CSV: ${(e as Error).message}` }];
  }
  if (records.length === 0) return [];
  const header = records[0].record.map((h) => h.trim().toLowerCase());
  if (!header.includes('image')) {
    return [{ line: 1, error: `the first line must be a header naming an "image" column (${MANIFEST_COLUMNS.join(',')})` }];
  }
  // csv-parse counts lines up to the end of a record; a quoted newline makes that the record's last line.
  return records.slice(1).map(({ record, info }) => check(info.lines, Object.fromEntries(header.map((h, j) => [h, record[j]]))));
}

/** Reads a manifest by its extension; null when the name is neither .jsonl nor .csv. */
export function parseManifest(fileName: string, text: string): ParsedLine[] | null {
  if (/\.jsonl?$/i.test(fileName)) return parseJsonl(text);
  if (/\.csv$/i.test(fileName)) return parseCsvManifest(text);
  return null;
}
