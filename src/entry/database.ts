import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Db } from '../db.js';
import { acquireDataDirLock, type DataDirLock, DataDirLockedError } from './data-dir-lock.js';
import { pgOptions } from './pg-types.js';

export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), '../../db/migrations');

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  lock?: DataDirLock;
  /** PGlite only: the raw instance (tests clone it). */
  pglite?: PGlite;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { url: string; max?: number; timeouts?: Partial<PgTimeouts> }
  | { dataDir: string }
  | { memory: true; loadDataDir?: Blob | File };

const PREPARE_MAX_PARAMS = 20;

/**
 * Bounds on PostgreSQL (docs/decisions/0006-network.md): a server that does not accept within
 * connectS is treated as down (postgres.js's default is 30 s); a statement or an idle
 * transaction that outlives its bound is ended by the server, so a stuck request cannot hold a
 * pool connection for good. The migrator's own connection keeps the server defaults.
 */
export interface PgTimeouts {
  connectS: number;
  statementMs: number;
  idleInTransactionMs: number;
}
export const PG_TIMEOUTS: PgTimeouts = { connectS: 3, statementMs: 15_000, idleInTransactionMs: 15_000 };

/**
 * drizzle runs unnamed queries with prepare:false, and postgres.js then spends two round trips on
 * every parameterized statement (Parse+Describe, wait, Bind+Execute) and PostgreSQL plans it anew.
 * Prepared, a statement costs one round trip after its first use on a connection. Only statements
 * with few parameters are prepared: those come from a fixed set of code paths, while multi-row
 * inserts and IN lists vary in shape and would pile up on the server.
 */
function preparing(sql: postgres.Sql): postgres.Sql {
  type Fn = (...a: unknown[]) => unknown;
  return new Proxy(sql, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (prop === 'unsafe') {
        return (q: string, args?: unknown[], opts?: { prepare?: boolean }) =>
          target.unsafe(q, args as postgres.ParameterOrJSON<never>[], {
            ...opts,
            prepare: opts?.prepare || (args?.length ?? 0) <= PREPARE_MAX_PARAMS,
          });
      }
      if (prop === 'begin' || prop === 'savepoint') {
        return (...a: unknown[]) => {
          const fn = a.pop() as (tx: postgres.Sql) => unknown;
          return (value as Fn).call(target, ...a, (tx: postgres.Sql) => fn(preparing(tx)));
        };
      }
      return typeof value === 'function' ? (value as Fn).bind(target) : value;
    },
  });
}

/** Opens PostgreSQL (postgres.js) or PGlite and applies the committed migrations. */
export async function openDatabase(opts: DatabaseOptions, { migrate = true } = {}): Promise<Database> {
  if ('url' in opts) {
    const t = { ...PG_TIMEOUTS, ...opts.timeouts };
    const client = postgres(opts.url, {
      ...pgOptions,
      max: opts.max ?? 10,
      connect_timeout: t.connectS,
      connection: {
        statement_timeout: t.statementMs,
        idle_in_transaction_session_timeout: t.idleInTransactionMs,
      },
    });
    const db = drizzlePostgres(preparing(client), { casing: 'snake_case' }) as unknown as Db;
    if (migrate) {
      // Two instances starting together must not both run the migrations: a session advisory
      // lock on a one-connection client serializes them (the migrator runs its own transaction).
      const one = postgres(opts.url, { ...pgOptions, max: 1, connect_timeout: t.connectS });
      try {
        await one`select pg_advisory_lock(727001)`;
        await migratePostgres(drizzlePostgres(one, { casing: 'snake_case' }), { migrationsFolder });
        await one`select pg_advisory_unlock(727001)`;
      } finally {
        await one.end({ timeout: 5 });
      }
    }
    return { db, kind: 'postgres', close: () => client.end({ timeout: 2 }) };
  }
  let lock: DataDirLock | undefined;
  let pg: PGlite;
  if ('dataDir' in opts) {
    lock = acquireDataDirLock(opts.dataDir);
    try {
      pg = await PGlite.create({ dataDir: join(opts.dataDir, 'pglite') });
    } catch (e) {
      lock.release();
      throw e;
    }
  } else {
    pg = await PGlite.create(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {});
  }
  const db = drizzlePglite(pg, { casing: 'snake_case' }) as unknown as Db;
  if (migrate) await migratePglite(drizzlePglite(pg, { casing: 'snake_case' }), { migrationsFolder });
  return {
    db,
    kind: 'pglite',
    lock,
    pglite: pg,
    async close() {
      await pg.close();
      lock?.release();
    },
  };
}

/**
 * The configured database: PostgreSQL with DATABASE_URL, else PGlite in DATA_DIR. A data directory
 * another process holds comes back as the error, for the caller to explain and exit.
 */
export async function openConfiguredDatabase(config: {
  databaseUrl: string | undefined;
  dataDir: string;
}): Promise<Database | DataDirLockedError> {
  try {
    return await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
  } catch (e) {
    if (e instanceof DataDirLockedError) return e;
    throw e;
  }
}
