import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Server as SocketServer } from 'socket.io';
import { createProgressBroadcaster } from '../../../server/realtime/sockets';
import { createLogger } from '../../../server/log';

/** A stand-in for socket.io's server that records what each room was sent, and when. */
function recordingIo() {
  const sent: { room: string; event: string; at: number }[] = [];
  const io = { to: (room: string) => ({ emit: (event: string) => { sent.push({ room, event, at: Date.now() }); return true; } }) };
  return { sent, io: () => io as unknown as SocketServer };
}

/** A count's duration: a fake-timer wait. */
const takes = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Its spacing (a share of the time, never overlapping) is spacedPerProject's: tests/server/spaced.test.ts.
describe('the progress broadcaster', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('sends one count for a burst of changes', async () => {
    const { sent, io } = recordingIo();
    let counts = 0;
    const b = createProgressBroadcaster(io, async () => { counts++; return { labeled: counts }; }, createLogger('silent', 'test'), 20);
    for (let i = 0; i < 10; i++) b.changed(1);
    await vi.advanceTimersByTimeAsync(80);
    b.stop();
    expect(counts).toBe(1);
    expect(sent).toEqual([expect.objectContaining({ room: 'project:1', event: 'progress' })]);
  });

  it('still sends the change that arrived while a count ran', async () => {
    const { sent, io } = recordingIo();
    const b = createProgressBroadcaster(io, async () => { await takes(20); return {}; }, createLogger('silent', 'test'), 5, 0.5);
    b.changed(1);
    await vi.advanceTimersByTimeAsync(12); // the first count is running now (5 ms to 25 ms)
    expect(sent).toHaveLength(0);
    b.changed(1);
    await vi.advanceTimersByTimeAsync(200);
    b.stop();
    expect(sent).toHaveLength(2);
  });
});
