import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { queryOf } from '../../db/pg-message';
import { shaped, sqlOf, type Statement } from '../../db/statement-shape';
import { advisoryLock } from '../../db/transactions';
import { expireAndRenewOpening } from '../../db/queries/leases';
import { labelCommitOpening, leaseLockOpening } from '../../db/queries/label-commit';
import { projectRoleOpening } from '../../db/queries/projects';
import { leaseChosenStatement, type LeaseChoice } from '../../db/queries/queue-state';

const dialect = new PgDialect();

/** What drizzle itself would send for the statement, its values in place (text and values; a message needs no more). */
const fresh = (s: Statement) => {
  const { sql: text, params } = dialect.sqlToQuery(sqlOf(s));
  return { sql: text, params };
};

const choice = (itemId: number, score: number | null): LeaseChoice => ({ itemId, kind: 'open', stream: 'uncertain', detail: { kind: 'uncertain', strategy: 'margin' }, rankingId: 3, score });

/** Two calls of every shaped statement of the claim and the label, with different values each. */
const calls: [string, () => Statement, () => Statement][] = [
  ['the annotator lock', () => advisoryLock(1, 2), () => advisoryLock(7, -3)],
  ['expire and renew', () => expireAndRenewOpening(1, 2, new Date(0), new Date(1000)).statements()[0], () => expireAndRenewOpening(9, 8, new Date(5), new Date(6)).statements()[0]],
  ['the lease lock', () => leaseLockOpening(4).statements()[0], () => leaseLockOpening(44).statements()[0]],
  ['the label commit', () => labelCommitOpening({ projectId: 1, itemId: 2, userId: 3, leaseId: 4, clientKey: "k'1", payload: { kind: 'class', class: 1 } as never, edit: null, now: new Date(0) }).statements()[0],
    () => labelCommitOpening({ projectId: 5, itemId: 6, userId: 7, leaseId: 8, clientKey: 'k2', payload: { kind: 'class', class: 2 } as never, edit: { ms: 5 }, now: new Date(9) }).statements()[0]],
  ['the access check', () => projectRoleOpening(1, 2).statements()[0], () => projectRoleOpening(3, 4).statements()[0]],
  ['the chosen leases', () => leaseChosenStatement(1, 2, new Date(0), [choice(10, 0.5), choice(11, null)], 3), () => leaseChosenStatement(4, 5, new Date(7), [choice(20, Number.NaN), choice(21, 0.25)], 2)],
];

describe('shaped statements', () => {
  it.each(calls)('%s: its text is built once, and with each call\'s values it is exactly what drizzle builds from them', (_, first, second) => {
    for (const make of [first, second, first]) {
      const s = make();
      expect(s).not.toHaveProperty('queryChunks');
      expect(queryOf(s)).toEqual(fresh(s));
    }
  });

  it('keeps one text per shape: the number of chosen leases is part of it', () => {
    const two = leaseChosenStatement(1, 2, new Date(0), [choice(10, 0.5), choice(11, 0.5)], 3);
    const three = leaseChosenStatement(1, 2, new Date(0), [choice(10, 0.5), choice(11, 0.5), choice(12, 0.5)], 3);
    expect(queryOf(three).sql).not.toBe(queryOf(two).sql);
    expect(queryOf(three)).toEqual(fresh(three));
  });

  it('refuses a value its builder did not name rather than sending a statement without it', () => {
    const s = shaped('test-missing-value', { a: 1 }, (v) => sql`select ${v('a')}::int, ${(v as (n: string) => unknown)('b')}::int`);
    expect(() => queryOf(s)).toThrow(/placeholder "b"/);
  });

  it('leaves drizzle statements as drizzle builds them', () => {
    const s = sql`select ${1}::int as x`;
    expect(queryOf(s)).toEqual(dialect.sqlToQuery(s));
    expect(queryOf(s)).toMatchObject(fresh(s));
  });
});
