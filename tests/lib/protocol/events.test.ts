import { describe, expect, it } from 'vitest';
import { parseRoomEvent } from '../../../lib/protocol/events';

describe('room events', () => {
  it('parses what the server emits, with the project id', () => {
    expect(parseRoomEvent('queue', { projectId: 3, event: 'lease-released', userId: 1, leaseId: 2, itemId: 9 }))
      .toEqual({ projectId: 3, event: 'lease-released', userId: 1, leaseId: 2, itemId: 9 });
    expect(parseRoomEvent('model', { projectId: 3, event: 'job-progress', jobId: 4, progress: { phase: 'embed', done: 1, total: 5 } }))
      .toMatchObject({ event: 'job-progress', progress: { phase: 'embed' } });
    expect(parseRoomEvent('progress', { projectId: 3, labeled: 4, items: 10, holdoutLabeled: 1 })).toMatchObject({ labeled: 4, holdoutLabeled: 1 });
  });

  it('answers null for what is not one of its events, so a page refreshes instead of trusting it', () => {
    expect(parseRoomEvent('queue', { projectId: 3, event: 'exploded' })).toBeNull();
    expect(parseRoomEvent('model', { event: 'job-queued' })).toBeNull();
    expect(parseRoomEvent('progress', { projectId: 3, labeled: -1, items: 2 })).toBeNull();
  });
});
