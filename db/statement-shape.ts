import { sql, SQL, type Placeholder } from 'drizzle-orm';

/** How a shaped statement's builder reads a value: the value itself, or for its text a placeholder named after it. */
export type ValueOf<V> = (name: keyof V & string) => unknown;

/**
 * A statement whose text depends only on its shape, not on its values: the claim's and the
 * label's statements, sent several times a second. drizzle builds a statement's text anew on
 * every call (its `sqlToQuery` walks every chunk), which was the largest single allocation of a
 * loaded server (docs/benchmarks.md); a shaped statement's text is built once per `shape`, with
 * placeholders, and only its values change (db/pg-message.ts). `build` must give the same
 * statement for every values of one `shape`: anything that changes the text (how many rows a
 * `values` list has, an optional clause) belongs in the shape's name.
 */
export interface ShapedStatement {
  readonly shape: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly build: (v: (name: string) => unknown) => SQL;
}

/** A statement message or query may carry: drizzle's own, or a shaped one. */
export type Statement = SQL | ShapedStatement;

export function shaped<V extends Record<string, unknown>>(shape: string, values: V, build: (v: ValueOf<V>) => SQL): ShapedStatement {
  return { shape, values, build };
}

/** The statement as drizzle runs it (PGlite, or a query of its own), its values in place. */
export function sqlOf(s: Statement): SQL {
  return s instanceof SQL ? s : s.build((name) => s.values[name]);
}

/** The statement with a placeholder for each value, named after it: what its text is built from. */
export function templateOf(s: ShapedStatement): SQL {
  return s.build((name): Placeholder => sql.placeholder(name));
}
