import pg from 'pg';
import { fillPlaceholders, SQL, type Query } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { PooledClient } from './client';
import { templateOf, type Statement } from './statement-shape';

/**
 * Statements for a message of several on Postgres (db/transactions.ts), each sent as `EXECUTE`
 * of a statement prepared once on its connection.
 *
 * A simple-protocol message of several statements saves round trips, but Postgres parses,
 * analyses and plans each statement in it every time: for a claim's renewal and lease insert
 * that was 0.9 of the message's 1.3 ms, against 0.4 ms as `EXECUTE` of the same statements
 * prepared (docs/benchmarks.md). So each statement is prepared on the connection the first time
 * it meets it (one round trip of its own, outside any transaction, so that a refused `PREPARE`
 * leaves nothing behind), and written into the message as `EXECUTE name(literal, …)`.
 *
 * The values keep their meaning: each is turned into text by node-postgres's own `prepareValue`
 * (what it would send as a bound parameter) and written as a quoted literal with node-postgres's
 * `escapeLiteral`; Postgres coerces it to the parameter's type with the same input function a
 * bound parameter meets. So no value is ever written into a statement's text.
 */

const dialect = new PgDialect();
const { prepareValue } = (pg as unknown as { utils: { prepareValue(v: unknown): string | Buffer | null } }).utils;

/** Statements kept prepared per connection; past this the least recently used is deallocated. */
export const PREPARED_PER_CONNECTION = 200;

/** Per connection: statement text → its prepared name, least recently used first. */
const preparedOn = new WeakMap<PooledClient, Map<string, string>>();
let next = 0;

/** Shape → its text with placeholders, built once (db/statement-shape.ts). Shapes are few: one per builder, per row count for the chosen leases. */
const shapes = new Map<string, Query>();

/** A statement's text and its values in the text's order (all a message needs of it). */
export function queryOf(statement: Statement): { sql: string; params: unknown[] } {
  if (statement instanceof SQL) return dialect.sqlToQuery(statement);
  let template = shapes.get(statement.shape);
  if (!template) shapes.set(statement.shape, (template = dialect.sqlToQuery(templateOf(statement))));
  return { sql: template.sql, params: fillPlaceholders(template.params, statement.values) };
}

/** A value as the literal node-postgres would send as its parameter's text. */
export function literalOf(value: unknown): string {
  const prepared = prepareValue(value);
  if (prepared === null) return 'null';
  const text = Buffer.isBuffer(prepared) ? `\\x${prepared.toString('hex')}` : prepared;
  // Postgres's text types cannot hold a NUL either; as a parameter it would be refused the same way.
  if (text.includes('\0')) throw new RangeError('a value sent to Postgres cannot contain a NUL character');
  return pg.escapeLiteral(text);
}

/**
 * The statements as `EXECUTE` texts for this connection, preparing there those it has not met.
 * The connection must be checked out to the caller, outside a transaction.
 */
export async function executeTexts(client: PooledClient, statements: Statement[], capacity = PREPARED_PER_CONNECTION): Promise<string[]> {
  let names = preparedOn.get(client);
  if (!names) preparedOn.set(client, (names = new Map()));
  const texts: string[] = [];
  for (const statement of statements) {
    const query = queryOf(statement);
    const args = query.params.map(literalOf);
    let name = names.get(query.sql);
    if (name) {
      names.delete(query.sql);
    } else {
      name = `tandem_m${++next}`;
      await client.query(`prepare ${name} as ${query.sql}`);
      if (names.size >= capacity) {
        const [oldText, oldName] = names.entries().next().value as [string, string];
        names.delete(oldText);
        await client.query(`deallocate ${oldName}`);
      }
    }
    names.set(query.sql, name);
    texts.push(args.length ? `execute ${name}(${args.join(', ')})` : `execute ${name}`);
  }
  return texts;
}

/** How many statements this connection holds prepared for messages (for tests). */
export function preparedCount(client: PooledClient): number {
  return preparedOn.get(client)?.size ?? 0;
}
