/**
 * The items page's filter state lives in its URL: these turn Next's `searchParams` into the API's
 * query (a repeated name joined with commas, blank form fields dropped) and back into links.
 */
export type SearchParams = Record<string, string | string[] | undefined>;

export function queryFromSearch(sp: SearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sp)) {
    const values = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x.trim() !== '');
    if (values.length) out[k] = values.join(',');
  }
  return out;
}

/** A link to the items page with `q` changed by `patch` (undefined removes a parameter). */
export function itemsHref(projectId: number, q: Record<string, string>, patch: Record<string, string | undefined> = {}): string {
  const merged: Record<string, string> = { ...q };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  const s = new URLSearchParams(merged).toString();
  return `/projects/${projectId}/items${s ? `?${s}` : ''}`;
}
