import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { admitFrame, changesDocument, CLOSE_DOCUMENT_FULL, CLOSE_MESSAGE_TOO_BIG, parseLiveDocName, storedDocName } from '../../../lib/protocol/live-docs';

const kind = { maxMessageBytes: 1000, maxDocBytes: 5000 };

/** Frames as y-websocket clients send them. */
function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  write(e);
  return encoding.toUint8Array(e);
}
const doc = new Y.Doc();
doc.getMap('draft').set('label', '7');
const update = frame((e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc)));
const step2 = frame((e) => syncProtocol.writeSyncStep2(e, doc));
const step1 = frame((e) => syncProtocol.writeSyncStep1(e, doc));

describe('live document names', () => {
  it('reads item-<id> with a canonical id', () => {
    expect(parseLiveDocName('item-42')).toEqual({ kind: 'item', id: 42, name: 'item-42' });
  });
  it("stores an item's draft per user: the same name opens a different document for each user", () => {
    const doc = parseLiveDocName('item-42')!;
    expect(storedDocName(doc, 7)).toBe('item-42/user-7');
    expect(storedDocName(doc, 8)).not.toBe(storedDocName(doc, 7));
    // No name a client can send is another user's stored document.
    expect(parseLiveDocName('item-42/user-7')).toBeNull();
  });
  it('refuses anything else', () => {
    for (const bad of ['item-0', 'item-01', 'item-1.0', 'item- 1', 'item-0x10', 'items-1', 'item-99999999999999999', '', 'item-1/x']) {
      expect(parseLiveDocName(bad), bad).toBeNull();
    }
  });
});

describe('admitting a frame', () => {
  it('tells updates and sync step 2 (which change the document) from step 1 and awareness', () => {
    expect(changesDocument(update)).toBe(true);
    expect(changesDocument(step2)).toBe(true);
    expect(changesDocument(step1)).toBe(false);
    expect(changesDocument(Uint8Array.from([1, 5, 0]))).toBe(false);
  });
  it('accepts an update that fits', () => {
    expect(admitFrame(kind, update, 0)).toEqual({ kind: 'accept' });
  });
  it('refuses a frame past the message limit whatever it is', () => {
    expect(admitFrame(kind, new Uint8Array(1001), 0)).toMatchObject({ kind: 'refuse', closeCode: CLOSE_MESSAGE_TOO_BIG });
  });
  it('refuses a change that would take the document past its cap, but still reads', () => {
    expect(admitFrame(kind, update, 5000 - update.length + 1)).toMatchObject({ kind: 'refuse', closeCode: CLOSE_DOCUMENT_FULL });
    expect(admitFrame(kind, update, 5000 - update.length)).toEqual({ kind: 'accept' });
    expect(admitFrame(kind, step1, 5000)).toEqual({ kind: 'accept' });
  });
});
