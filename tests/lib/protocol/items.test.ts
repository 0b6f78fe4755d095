import { describe, expect, it } from 'vitest';
import { encodeCursor, ItemsQuery } from '../../../lib/protocol/items';

const bad = (q: Record<string, string>) => {
  const r = ItemsQuery.safeParse(q);
  expect(r.success).toBe(false);
  return r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
};

describe('the items page\'s query', () => {
  it('reads every filter from text', () => {
    const q = ItemsQuery.parse({
      status: 'disputed,resolved', split: 'pool', stream: 'overlap', class: 'cat', predicted: 'dog', annotator: '7', flagged: '1', disputed: '0',
      uncertaintyMin: '0.25', uncertaintyMax: '1', from: '2026-12-01', to: '2026-12-02', sort: 'uncertainty', limit: '100',
    });
    expect(q).toMatchObject({
      status: ['disputed', 'resolved'], split: 'pool', stream: 'overlap', class: 'cat', predicted: 'dog', annotator: 7, flagged: true, disputed: false,
      uncertaintyMin: 0.25, uncertaintyMax: 1, sort: 'uncertainty', limit: 100,
    });
    expect(q.from?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    // A bare "to" date includes that whole day.
    expect(q.to?.toISOString()).toBe('2026-12-03T00:00:00.000Z');
  });

  it('defaults to the newest answers first, a page of 60', () => {
    expect(ItemsQuery.parse({})).toMatchObject({ sort: 'newest', limit: 60 });
    expect(ItemsQuery.parse({ status: 'resolved,disputed', class: '3' })).toMatchObject({ sort: 'newest' });
  });

  it('defaults to the item id order when the filters ask for items nobody may have answered (flagged, open)', () => {
    expect(ItemsQuery.parse({ flagged: '1' })).toMatchObject({ sort: 'id' });
    expect(ItemsQuery.parse({ status: 'open,disputed' })).toMatchObject({ sort: 'id' });
    expect(ItemsQuery.parse({ flagged: '0' })).toMatchObject({ sort: 'newest' });
    // An order asked for is kept.
    expect(ItemsQuery.parse({ flagged: '1', sort: 'newest' })).toMatchObject({ sort: 'newest' });
  });

  it('names the bad parameter and what would do', () => {
    expect(bad({ status: 'done' })).toMatch(/status: "done" is not a state; use one or more of open, collecting, disputed, resolved/);
    expect(bad({ limit: '5000' })).toMatch(/limit: must be from 1 to 200/);
    expect(bad({ uncertaintyMin: 'high' })).toMatch(/uncertaintyMin: must be a number from 0 to 1/);
    expect(bad({ uncertaintyMin: '0.9', uncertaintyMax: '0.1' })).toMatch(/uncertaintyMin: is above uncertaintyMax/);
    expect(bad({ from: 'yesterday' })).toMatch(/from: must be a date like 2026-12-02/);
    expect(bad({ sort: 'random' })).toMatch(/sort: must be one of newest, uncertainty, id/);
    expect(bad({ after: 'not-a-cursor' })).toMatch(/after: is not a page cursor this server gave out/);
    expect(bad({ class: 'x'.repeat(201) })).toMatch(/class: must be at most 200 characters/);
    expect(bad({ page: '2' })).toMatch(/page/);
  });

  it('takes back the cursors it gives out', () => {
    const after = encodeCursor(['2026-12-02T10:00:00.123456Z', 42]);
    expect(ItemsQuery.parse({ after }).after).toEqual(['2026-12-02T10:00:00.123456Z', 42]);
    expect(ItemsQuery.parse({ after: encodeCursor([0.5, 7]) }).after).toEqual([0.5, 7]);
  });
});
