/**
 * Live annotation documents (Yjs over y-websocket): which names exist, how
 * large each kind may grow, and what the server does with an incoming frame.
 * A draft is a few kilobytes (a class, a list of boxes, a skeleton's
 * keypoints); the caps leave two orders of magnitude of room and stop a
 * member from filling the server's memory or the database with one document.
 */

const KiB = 1024;

export interface LiveDocKind {
  /** Largest single frame a client may send (an update, an awareness state). */
  maxMessageBytes: number;
  /** Largest total of the updates a document may hold; past it updates are refused and the sender disconnected. */
  maxDocBytes: number;
}

export const LIVE_DOC_KINDS = {
  item: { maxMessageBytes: 256 * KiB, maxDocBytes: 1024 * KiB },
} as const satisfies Record<string, LiveDocKind>;

export type LiveDocKindName = keyof typeof LIVE_DOC_KINDS;

/** The websocket's own frame limit: the largest any kind allows (each kind's is checked per frame as well). */
export const LIVE_DOC_MAX_PAYLOAD = Math.max(...Object.values(LIVE_DOC_KINDS).map((k) => k.maxMessageBytes));

/** `item-<id>`, the id canonical (no leading zero, at most 16 digits). */
const NAME = /^(item)-([1-9][0-9]{0,15})$/;

export type LiveDocName = { kind: LiveDocKindName; id: number; name: string };

/** Parses a document name from the URL path after `/yjs/`; null when it names nothing that exists. */
export function parseLiveDocName(raw: string): LiveDocName | null {
  const m = NAME.exec(raw);
  if (!m) return null;
  const id = Number(m[2]);
  if (!Number.isSafeInteger(id)) return null;
  return { kind: m[1] as LiveDocKindName, id, name: raw };
}

/**
 * The document an `item-<id>` connection opens: the signed-in user's own draft of the item,
 * `item-<id>/user-<user id>`. A draft belongs to the annotator who made it, not to the item
 * and not to one lease: the next annotator dealt the item starts from its prelabel, never from
 * someone's half-done work, while one's own draft comes back after a reload, an expired lease or
 * a restart, and after "undo last label" it holds the answer that was submitted. The name is
 * made by the server from the session, never read from the client, so nobody can open another
 * user's draft. (Live co-editing of one document by several users is a kind of its own.)
 */
export function storedDocName(doc: LiveDocName, userId: number): string {
  return `${doc.name}/user-${userId}`;
}

/** y-protocols' framing: a varuint message type, then for sync messages a varuint step. */
const MESSAGE_SYNC = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

/** Whether a frame can change the document (a sync step 2 or an update), read from its first two bytes. */
export function changesDocument(frame: Uint8Array): boolean {
  return frame.length >= 2 && frame[0] === MESSAGE_SYNC && (frame[1] === SYNC_STEP_2 || frame[1] === SYNC_UPDATE);
}

export type FrameVerdict =
  | { kind: 'accept' }
  | { kind: 'refuse'; closeCode: number; reason: string };

/** WebSocket close codes: 1009 is the standard "message too big"; 4413 is ours for a full document. */
export const CLOSE_MESSAGE_TOO_BIG = 1009;
export const CLOSE_DOCUMENT_FULL = 4413;

/**
 * What to do with an incoming frame, given the bytes the document holds.
 * A refused frame closes the connection: the client's copy has diverged from
 * the server's, and reconnecting resyncs it from what was kept.
 */
export function admitFrame(kind: LiveDocKind, frame: Uint8Array, docBytes: number): FrameVerdict {
  if (frame.length > kind.maxMessageBytes) {
    return { kind: 'refuse', closeCode: CLOSE_MESSAGE_TOO_BIG, reason: `frame over ${kind.maxMessageBytes >> 10} KiB` };
  }
  if (changesDocument(frame) && docBytes + frame.length > kind.maxDocBytes) {
    return { kind: 'refuse', closeCode: CLOSE_DOCUMENT_FULL, reason: `document full (${kind.maxDocBytes >> 10} KiB); changes refused` };
  }
  return { kind: 'accept' };
}
