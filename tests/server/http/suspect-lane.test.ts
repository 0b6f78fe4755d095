import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSuspectLane } from '../../../server/http/suspect-lane';

/** A response that can be answered or dropped by its client. */
class FakeResponse extends EventEmitter {
  destroyed = false;
  writableEnded = false;
  answer() { this.writableEnded = true; this.emit('finish'); this.emit('close'); }
  drop() { this.destroyed = true; this.emit('close'); }
}
const res = () => new FakeResponse() as FakeResponse & ServerResponse;

afterEach(() => { vi.useRealTimers(); });

describe('the suspect lane', () => {
  it('serves one request at a time, the next when the one before is answered', () => {
    const lane = createSuspectLane();
    const served: number[] = [];
    const rs = [res(), res(), res()];
    rs.forEach((r, i) => expect(lane.enter(r, () => served.push(i))).toBe(true));
    expect(served).toEqual([0]);
    rs[0].answer();
    expect(served).toEqual([0, 1]);
    rs[1].answer();
    expect(served).toEqual([0, 1, 2]);
    expect(lane.waiting).toBe(0);
  });

  it('passes the turn on after holdMs when a request is slow to answer', () => {
    vi.useFakeTimers();
    const lane = createSuspectLane({ holdMs: 1000 });
    const served: number[] = [];
    lane.enter(res(), () => served.push(0));
    lane.enter(res(), () => served.push(1));
    vi.advanceTimersByTime(999);
    expect(served).toEqual([0]);
    vi.advanceTimersByTime(1);
    expect(served).toEqual([0, 1]);
  });

  it('skips a request whose client gave up while in line', () => {
    const lane = createSuspectLane();
    const served: number[] = [];
    const rs = [res(), res(), res()];
    rs.forEach((r, i) => lane.enter(r, () => served.push(i)));
    rs[1].drop();
    expect(lane.waiting).toBe(1);
    rs[0].answer();
    expect(served).toEqual([0, 2]);
  });

  it('takes no more than maxWaiting in line, and serves nothing of a request it did not take', () => {
    const lane = createSuspectLane({ maxWaiting: 2 });
    const served: number[] = [];
    const taken = [0, 1, 2, 3].map((i) => lane.enter(res(), () => served.push(i)));
    expect(taken).toEqual([true, true, true, false]);
    expect(served).toEqual([0]);
  });
});
