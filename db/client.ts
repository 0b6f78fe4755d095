import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';
import { timePgliteQueries } from './query-times';
import { nameRepeatedStatements } from './pg-named';
import { preparePgliteStatements, type PreparableClient } from './pglite-prepared';

export type Schema = typeof schema;
/** Both drivers give a PgDatabase; services are written once against this type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Executor = Db | Tx;

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  db: Db;
  kind: DatabaseKind;
  /** Where it lives, without credentials: a data folder or host/database. */
  where: string;
  close(): Promise<void>;
}

/** A checked-out Postgres connection, as much of pg's PoolClient as a hand-run transaction needs. */
export interface PooledClient {
  query(text: string): Promise<unknown>;
  release(destroy?: boolean | Error): void;
}

/** The pg pool behind a Postgres `Db` (PGlite has none): for transactions whose first statements travel in one message. */
export interface PoolAccess {
  connect(): Promise<PooledClient>;
  /** A `Db` whose every statement runs on this one connection. */
  wrap(client: PooledClient): Db;
}
const pools = new WeakMap<Db, PoolAccess>();
export const poolOf = (db: Db): PoolAccess | undefined => pools.get(db);

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface DatabaseOptions {
  /** postgres://… — when set, Postgres through `pg`; otherwise the embedded PGlite. */
  url?: string;
  /** PGlite data folder; `memory://` for a throw-away database. */
  dataDir?: string;
  poolSize?: number;
  /**
   * A long-running server's pool: all its connections are opened at start and stay open (pg-pool's
   * `min` at the pool's size, so no idle timeout closes it). A connection opened mid-burst costs its request a
   * backend's start, the SCRAM handshake and re-preparing every named statement: tens of ms that
   * the default 10 s idle timeout made the claims pay again and again at a human pace.
   */
  keepConnections?: boolean;
  /** An idle pooled connection died (server restart, admin kill): the pool drops it; this hears about it. */
  onIdleError?: (err: Error) => void;
}

/**
 * The one database factory. DATABASE_URL set: Postgres via `pg`. Unset: PGlite
 * in a data folder, owned by this process alone (PGlite is not safe for two
 * processes; see FACTS.md).
 */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) {
    const { default: pg } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const max = opts.poolSize ?? 10;
    const pool = new pg.Pool({ connectionString: opts.url, max, ...(opts.keepConnections ? { min: max } : {}) });
    // Off only to measure what it saves (TANDEM_PG_NAMED=0).
    if (process.env.TANDEM_PG_NAMED !== '0') nameRepeatedStatements(pool);
    // Without a listener an idle client's error would crash the process; the pool replaces the client.
    pool.on('error', (err) => opts.onIdleError?.(err));
    // Surface a bad URL or a stopped server now, with a message, not on the first request.
    const client = await pool.connect().catch((e: Error) => {
      void pool.end();
      throw new Error(`cannot connect to Postgres at ${redact(opts.url!)}: ${e.message}`);
    });
    client.release();
    if (opts.keepConnections) warmPool(pool, max);
    const db = drizzle(pool, { schema }) as unknown as Db;
    pools.set(db, { connect: () => pool.connect(), wrap: (client) => drizzle(client as unknown as import('pg').PoolClient, { schema }) as unknown as Db });
    return { db, kind: 'postgres', where: redact(opts.url), close: () => pool.end() };
  }
  const dataDir = opts.dataDir ?? './.tandem/db';
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  // Off only to measure what it saves (TANDEM_PGLITE_PREPARE=0).
  const prepared = process.env.TANDEM_PGLITE_PREPARE === '0' ? null : preparePgliteStatements(client as unknown as PreparableClient, { ownParsers: true });
  timePgliteQueries(client, process.env, prepared?.textOf);
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, kind: 'pglite', where: dataDir, close: () => client.close() };
}

/**
 * Opens all of a kept pool's connections in the background (the one idle already among them), so
 * the first burst of requests after a start (every annotator's first claim) finds them open. A
 * failure here is not an error: the pool opens connections on demand as before, and reports them there.
 */
function warmPool(pool: import('pg').Pool, max: number): void {
  const opening = Array.from({ length: max }, () => pool.connect().then((c) => c, () => null));
  void Promise.all(opening).then((clients) => { for (const c of clients) c?.release(); });
}

export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'postgres') {
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migrate(database.db as any, { migrationsFolder: MIGRATIONS_FOLDER });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migrate(database.db as any, { migrationsFolder: MIGRATIONS_FOLDER });
  }
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}
