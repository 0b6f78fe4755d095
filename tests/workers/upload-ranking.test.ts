import { describe, expect, it } from 'vitest';
import { RankingChunk, type RankingEntry } from '../../lib/protocol/worker';
import { ProtocolError } from '../../workers/trainer/client';
import { uploadRanking, type Wire } from '../../workers/trainer/main';
import { createLogger } from '../../server/log';

/**
 * The trainer's ranking upload against stand-ins for a current server and
 * one older than per-item uncertainty (it refuses unknown fields, as the
 * route's schema does).
 */
describe('the trainer uploading a ranking', () => {
  const log = createLogger('silent', 'trainer');
  const entries: RankingEntry[][] = [
    [{ itemId: 1, score: 1, predicted: 'a', confidence: 0.9, uncertainty: 0.2 }, { itemId: 2, score: 0.5, predicted: 'b', confidence: 0.6, uncertainty: 0.8 }],
    [{ itemId: 3, score: 0.1, predicted: 'a', confidence: 0.55, uncertainty: 0.9 }],
  ];

  function server(opts: { knowsUncertainty: boolean }) {
    const received: unknown[] = [];
    return {
      received,
      client: {
        async uploadChunk(_jobId: number, chunk: unknown) {
          const withField = (chunk as { entries: object[] }).entries.some((e) => 'uncertainty' in e);
          if (withField && !opts.knowsUncertainty) throw new ProtocolError('bad body: entries.0: Unrecognized key: "uncertainty"', 400, 'bad_request', false);
          received.push(RankingChunk.parse(chunk));
          return { received: (chunk as { entries: object[] }).entries.length };
        },
      },
    };
  }

  it('sends every entry with its uncertainty to a server that takes it', async () => {
    const s = server({ knowsUncertainty: true });
    const wire: Wire = { uncertainty: true };
    const done: number[] = [];
    await uploadRanking(s.client, 7, entries, wire, (n) => done.push(n), log);
    expect(s.received).toEqual([{ index: 0, total: 2, entries: entries[0] }, { index: 1, total: 2, entries: entries[1] }]);
    expect(done).toEqual([1, 2]);
    expect(wire.uncertainty).toBe(true);
  });

  it('sends the chunks again without it to an older server that refuses the field, and remembers', async () => {
    const s = server({ knowsUncertainty: false });
    const wire: Wire = { uncertainty: true };
    await uploadRanking(s.client, 7, entries, wire, () => undefined, log);
    expect(s.received).toHaveLength(2);
    expect((s.received as { entries: object[] }[]).flatMap((c) => c.entries).some((e) => 'uncertainty' in e)).toBe(false);
    expect(wire.uncertainty).toBe(false);
  });

  it('fails on any other refusal', async () => {
    const client = { uploadChunk: async () => { throw new ProtocolError('item 3: predicted "c" is not a class of the project', 400, 'bad_request', false); } };
    await expect(uploadRanking(client, 7, entries, { uncertainty: true }, () => undefined, log)).rejects.toThrow(/not a class/);
  });
});
