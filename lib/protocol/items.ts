import { z } from 'zod';
import { ITEM_STATES } from '../agreement/item-state';
import { STREAM_KINDS } from '../queue/streams';
import { Id, SerialIdParam, IdParam, decimalParam } from './ids';
import { StoredText } from './stored';

/**
 * The items page's boundary: `GET /api/projects/:id/items?…` (leads and admins), an item's page,
 * an annotator's own answers, flags and comments. Every query value arrives as text; the schema
 * turns it into a typed filter or answers 400 with a line a person can act on.
 */

export const ItemPathParams = z.object({ projectId: SerialIdParam, itemId: IdParam });

/** Streams a lease may name: the dealing policy's, a lead's pin, an undo or reopen. */
export const LEASE_STREAMS = [...STREAM_KINDS, 'pinned', 'redo'] as const;

export const ITEM_SORTS = ['newest', 'uncertainty', 'id'] as const;
export type ItemSort = (typeof ITEM_SORTS)[number];

export const PAGE_MAX = 200;
export const PAGE_DEFAULT = 60;

const commaList = <T extends string>(values: readonly T[], what: string) => z.string().max(200).transform((v, ctx) => {
  const parts = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = parts.find((s) => !(values as readonly string[]).includes(s));
  if (bad !== undefined || parts.length === 0) {
    ctx.addIssue({ code: 'custom', message: `${bad !== undefined ? `"${bad.slice(0, 30)}" is not a ${what}` : `name at least one ${what}`}; use one or more of ${values.join(', ')}, separated by commas` });
    return z.NEVER;
  }
  return [...new Set(parts)] as T[];
});

const flag = z.enum(['1', 'true', '0', 'false'], { error: 'must be 1 (only those) or 0 (all); leave it out for all' }).transform((v) => v === '1' || v === 'true');

const unit = z.string().max(20).regex(/^(0|1|0?\.[0-9]+|1\.0*)$/, 'must be a number from 0 to 1 (like 0.25)').transform(Number);

/** A moment; a bare date is that day's start (UTC), or with `endOfDay` the next day's start. */
const date = (endOfDay: boolean) => z.string().max(40).transform((v, ctx) => {
  const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v);
  const t = ok ? new Date(v.length === 10 ? `${v}T00:00:00Z` : v) : null;
  if (!t || Number.isNaN(t.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'must be a date like 2026-12-02 or 2026-12-02T14:30:00Z' });
    return z.NEVER;
  }
  return endOfDay && v.length === 10 ? new Date(t.getTime() + 86_400_000) : t;
});

/** A class or predicted class name as typed in a filter. */
const className = StoredText.min(1, 'must not be empty').max(200, 'must be at most 200 characters');

/**
 * The keyset cursor: the last row's sort value and id, opaque to the client (base64url JSON).
 * A page is the rows after it in the sort's order; never an OFFSET.
 */
export const Cursor = z.tuple([z.union([z.number(), z.string().max(40), z.null()]), Id]);
export type Cursor = z.infer<typeof Cursor>;

const toBase64url = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromBase64url = (b64: string) => new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(atob(b64.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));

export function encodeCursor(c: Cursor): string {
  return toBase64url(JSON.stringify(c));
}

const cursorParam = z.string().max(200).transform((v, ctx) => {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(fromBase64url(v));
  } catch {
    parsed = null;
  }
  const r = Cursor.safeParse(parsed);
  if (!r.success) {
    ctx.addIssue({ code: 'custom', message: 'is not a page cursor this server gave out; start again from the first page (leave "after" out)' });
    return z.NEVER;
  }
  return r.data;
});

/**
 * The order when none is asked for: newest answer first, except when the filters ask for items an
 * annotator may never have answered (flagged ones, open ones), which that order cannot list (it
 * walks the answers): then the item id order.
 */
export function automaticSort(q: { flagged?: boolean; status?: readonly string[] }): ItemSort {
  return q.flagged === true || (q.status?.includes('open') ?? false) ? 'id' : 'newest';
}

export const ItemsQuery = z.object({
  status: commaList(ITEM_STATES, 'state').optional(),
  split: z.enum(['pool', 'holdout'], { error: 'must be pool or holdout' }).optional(),
  stream: z.enum(LEASE_STREAMS, { error: `must be one of ${LEASE_STREAMS.join(', ')}` }).optional(),
  /** The resolved answer's class (classification): what the trainer learns for the item. */
  class: className.optional(),
  /** The class the newest applied ranking's model predicts. */
  predicted: className.optional(),
  /** Items this user answered (a user id). */
  annotator: SerialIdParam.optional(),
  disputed: flag.optional(),
  flagged: flag.optional(),
  uncertaintyMin: unit.optional(),
  uncertaintyMax: unit.optional(),
  /** Answered from this moment (a date: its start, UTC). */
  from: date(false).optional(),
  /** Answered before this moment (a date: up to the end of that day, UTC). */
  to: date(true).optional(),
  /** Left out: `automaticSort` of the filters. */
  sort: z.enum(ITEM_SORTS, { error: `must be one of ${ITEM_SORTS.join(', ')}` }).optional(),
  after: cursorParam.optional(),
  limit: decimalParam(1, PAGE_MAX).default(PAGE_DEFAULT),
}).strict().superRefine((q, ctx) => {
  if (q.uncertaintyMin !== undefined && q.uncertaintyMax !== undefined && q.uncertaintyMin > q.uncertaintyMax) {
    ctx.addIssue({ code: 'custom', path: ['uncertaintyMin'], message: `is above uncertaintyMax (${q.uncertaintyMax}): nothing can match` });
  }
  if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'is after "to": nothing can match' });
}).transform((q) => ({ ...q, sort: q.sort ?? automaticSort(q) }));
export type ItemsQuery = z.output<typeof ItemsQuery>;

/** The query string of a filter, as the page's links and the API take it (values that are their default left out). */
export type ItemsQueryInput = Partial<Record<keyof z.input<typeof ItemsQuery>, string>>;

/** Why an annotator flags an item instead of answering it. */
export const FLAG_REASONS = ['unclear', 'broken', 'no-class'] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];
export const FLAG_REASON_TEXT: Record<FlagReason, string> = {
  unclear: 'unclear',
  broken: 'broken image',
  'no-class': 'not in any class',
};

export const COMMENT_MAX = 2000;
const commentText = StoredText.trim().max(COMMENT_MAX, `must be at most ${COMMENT_MAX} characters`);

/**
 * `POST /api/projects/:id/items/:itemId/flags`: an annotator flags the item on screen; with its
 * lease, the lease ends as a skip does and the item goes back to the queue.
 */
export const FlagRequest = z.object({
  reason: z.enum(FLAG_REASONS, { error: `must be one of ${FLAG_REASONS.join(', ')}` }),
  comment: commentText.optional(),
  leaseId: Id.optional(),
}).strict();
export type FlagRequest = z.input<typeof FlagRequest>;

/** `POST /api/projects/:id/items/:itemId/comments`. */
export const CommentRequest = z.object({ body: commentText.min(1, 'write something first') }).strict();
export type CommentRequest = z.input<typeof CommentRequest>;

/** `GET /api/projects/:id/mine?before=<annotation id>&limit=`: the caller's own answers, newest first. */
export const MineQuery = z.object({
  before: IdParam.optional(),
  limit: decimalParam(1, 100).default(30),
}).strict();
export type MineQuery = z.output<typeof MineQuery>;

/** `POST /api/projects/:id/mine/reopen`: take one of one's own answers back and get the item again. */
export const ReopenRequest = z.object({ annotationId: Id }).strict();
export type ReopenRequest = z.input<typeof ReopenRequest>;
