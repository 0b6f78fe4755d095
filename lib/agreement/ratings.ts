/**
 * Ratings: who gave which label to which item. Every measure in lib/agreement reads them
 * through `codeRatings`, which turns the strings into small integers once and groups the
 * ratings by item, so that the measures' loops run over typed arrays (a project of 100,000
 * answers is recomputed on every answer).
 */

/** One answer; an absent row is a missing rating. */
export interface Rating { item: string; annotator: string; label: string }

/** Ratings as integer codes, grouped by item (items, annotators and labels are indexes into the name lists). */
export interface CodedRatings {
  /** Item ids in order of first appearance. */
  items: string[];
  /** Annotators in order of first appearance. */
  annotators: string[];
  /** Labels in their order (see `labelOrder`): ties and ordinal ranks follow it. */
  labels: string[];
  /** The ratings of item i are `start[i] .. start[i + 1] - 1` in `annotator` and `label`. */
  start: Int32Array;
  annotator: Int32Array;
  label: Int32Array;
  /** Rows dropped because the same annotator rated the same item again: the later row counts. */
  duplicates: number;
}

const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;

/** Whether a label reads as a number (interval and ratio levels need that; numeric labels sort as numbers). */
export function isNumericLabel(label: string): boolean {
  return NUMBER.test(label);
}

/**
 * The order of labels: the given classes first, in their order, then every other label seen,
 * as numbers when all of them are numbers, else by code point. It decides majority ties and
 * the ranks at the ordinal level, so it never depends on the order of the rows.
 */
export function labelOrder(seen: Iterable<string>, classes: readonly string[] = []): string[] {
  const known = new Set(classes);
  const rest = [...new Set(seen)].filter((l) => !known.has(l));
  const numeric = rest.every(isNumericLabel);
  rest.sort(numeric ? (a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...new Set(classes), ...rest];
}

export function codeRatings(ratings: readonly Rating[], opts: { classes?: readonly string[]; extraLabels?: Iterable<string> } = {}): CodedRatings {
  const n = ratings.length;
  const itemIndex = new Map<string, number>();
  const annotatorIndex = new Map<string, number>();
  const seenLabels = new Map<string, number>();
  const rawItem = new Int32Array(n);
  const rawAnnotator = new Int32Array(n);
  const rawLabel = new Int32Array(n);
  const seenOrder: string[] = [];
  for (let r = 0; r < n; r++) {
    const { item, annotator, label } = ratings[r];
    let i = itemIndex.get(item);
    if (i === undefined) itemIndex.set(item, (i = itemIndex.size));
    let a = annotatorIndex.get(annotator);
    if (a === undefined) annotatorIndex.set(annotator, (a = annotatorIndex.size));
    let l = seenLabels.get(label);
    if (l === undefined) {
      seenLabels.set(label, (l = seenLabels.size));
      seenOrder.push(label);
    }
    rawItem[r] = i;
    rawAnnotator[r] = a;
    rawLabel[r] = l;
  }
  const labels = labelOrder([...seenOrder, ...(opts.extraLabels ?? [])], opts.classes);
  const rank = new Map(labels.map((l, k) => [l, k]));
  const relabel = Int32Array.from(seenOrder, (l) => rank.get(l)!);

  // Counting sort by item, keeping row order within an item.
  const nItems = itemIndex.size;
  const nAnnotators = annotatorIndex.size;
  const count = new Int32Array(nItems + 1);
  for (let r = 0; r < n; r++) count[rawItem[r] + 1]++;
  for (let i = 0; i < nItems; i++) count[i + 1] += count[i];
  const order = new Int32Array(n);
  const fill = count.slice(0, nItems);
  for (let r = 0; r < n; r++) order[fill[rawItem[r]]++] = r;

  // Within an item keep each annotator's last row: walk it backwards, marking annotators seen.
  const lastItem = new Int32Array(nAnnotators).fill(-1);
  const keep = new Uint8Array(n);
  let kept = 0;
  for (let i = 0; i < nItems; i++) {
    for (let p = count[i + 1] - 1; p >= count[i]; p--) {
      const a = rawAnnotator[order[p]];
      if (lastItem[a] === i) continue;
      lastItem[a] = i;
      keep[p] = 1;
      kept++;
    }
  }
  const start = new Int32Array(nItems + 1);
  const annotator = new Int32Array(kept);
  const label = new Int32Array(kept);
  let w = 0;
  for (let i = 0; i < nItems; i++) {
    start[i] = w;
    for (let p = count[i]; p < count[i + 1]; p++) {
      if (keep[p] === 0) continue;
      const r = order[p];
      annotator[w] = rawAnnotator[r];
      label[w] = relabel[rawLabel[r]];
      w++;
    }
  }
  start[nItems] = w;
  return { items: [...itemIndex.keys()], annotators: [...annotatorIndex.keys()], labels, start, annotator, label, duplicates: n - kept };
}
