import { describe, expect, it } from 'vitest';
import type { Server as SocketServer } from 'socket.io';
import { parseRoomEvent } from '../../../lib/protocol/events';
import { createLifecycle } from '../../../server/lifecycle';
import { roomEvents } from '../../../server/extensions/room-events';
import { projectRoom } from '../../../server/realtime/sockets';

/** A socket.io server that records what is emitted to which room. */
function recordingIo() {
  const sent: { room: string; name: string; payload: unknown }[] = [];
  const io = { to: (room: string) => ({ emit: (name: string, payload: unknown) => void sent.push({ room, name, payload }) }) } as unknown as SocketServer;
  return { io, sent };
}

describe('room events', () => {
  it('tell a project\'s open pages that items were imported, as a queue event the labeling page acts on', () => {
    const { io, sent } = recordingIo();
    const lifecycle = createLifecycle();
    lifecycle.use(roomEvents(() => io, { changed: () => {} }, { info: () => {} }));
    lifecycle.hooks.onItemsImported(7, { added: 120 });
    expect(sent).toEqual([{ room: projectRoom(7), name: 'queue', payload: { projectId: 7, event: 'items-added', added: 120 } }]);
    expect(parseRoomEvent('queue', sent[0].payload)).toEqual({ projectId: 7, event: 'items-added', added: 120 });
  });
});
