import { describe, expect, it } from 'vitest';
import { Id, IdParam, idListParam, parseId, SerialId, SerialIdParam, SERIAL_MAX } from '../../../lib/protocol/ids';
import { SubscribeEvent, SubmitLabel } from '../../../lib/protocol/labeling';
import { ItemControlRequest } from '../../../lib/protocol/queue-controls';
import { MembershipChange } from '../../../lib/protocol/admin';
import { ProgressEvent } from '../../../lib/protocol/worker';

/** Every spelling `Number()` or `z.coerce.number()` reads as an id that is not the id's own. */
const LOOSE = ['1.0', ' 1', '1 ', '\t1', '0x10', '0b1', '0o7', '1e0', '+1', '01', '00', '0', '-1', '', '1_000', '１'];

describe('ids at the boundaries', () => {
  it('reads a path or query id only in plain decimal', () => {
    expect(IdParam.parse('1')).toBe(1);
    expect(IdParam.parse('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    for (const s of LOOSE) {
      expect(IdParam.safeParse(s).success, JSON.stringify(s)).toBe(false);
      expect(parseId(s), JSON.stringify(s)).toBeNull();
    }
  });

  it('bounds an id by its column: serial ids fit integer, bigserial ids a JS number', () => {
    expect(SerialIdParam.parse(String(SERIAL_MAX))).toBe(SERIAL_MAX);
    expect(SerialIdParam.safeParse(String(SERIAL_MAX + 1)).success).toBe(false);
    expect(IdParam.safeParse('9007199254740992').success).toBe(false);
    expect(IdParam.safeParse('111111111111111111111111111111').success).toBe(false);
    expect(parseId('2147483648', 'serial')).toBeNull();
    expect(parseId('2147483648')).toBe(2147483648);
    expect(SerialId.safeParse(SERIAL_MAX + 1).success).toBe(false);
    expect(Id.safeParse(2 ** 53).success).toBe(false);
  });

  it('takes JSON ids only as JSON numbers: no booleans, strings or fractions', () => {
    for (const v of [true, false, '1', '0x10', 1.5, 0, -1, null, [1], Number.NaN, Infinity]) {
      expect(Id.safeParse(v).success, JSON.stringify(v)).toBe(false);
      expect(SubscribeEvent.safeParse({ projectId: v }).success, `subscribe ${JSON.stringify(v)}`).toBe(false);
      expect(MembershipChange.safeParse({ userId: v, role: 'lead' }).success).toBe(false);
      expect(ItemControlRequest.safeParse({ action: 'pin', itemIds: [v] }).success).toBe(false);
      expect(SubmitLabel.safeParse({ leaseId: v, itemId: 1, label: 'a', clientKey: 'abcdefgh' }).success).toBe(false);
      expect(ProgressEvent.safeParse({ jobId: v, phase: 'p', done: 0, total: 0 }).success).toBe(false);
    }
    expect(SubscribeEvent.parse({ projectId: 3 })).toEqual({ projectId: 3 });
  });

  it('reads ?ids= as distinct plain decimal ids separated by commas', () => {
    const ids = idListParam(3);
    expect(ids.parse('3,1,3')).toEqual([3, 1]);
    for (const s of ['', ',', '1,', '1, 2', '1,,2', '1,2,3,4', '111111111111111111111111111111', '1,0x10']) {
      const r = ids.safeParse(s);
      expect(r.success, s).toBe(false);
      expect(r.error?.issues[0].message).toMatch(/^ids must be/);
    }
  });
});
