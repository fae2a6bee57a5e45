import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type SqliteDatabase,
  type TableMetadata,
} from 'kysely';
import pg from 'pg';
import type { DbTimeouts } from './config.ts';
import { isDatabaseUnavailable } from './db-errors.ts';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The whole schema as Kysely sees it. Empty here: each module adds its own tables to it from its tables.ts
 * (`declare module '…/platform/db.ts'`), so the platform knows no module and each module owns its tables.
 */
export interface Database {}

/**
 * The database handle every repository receives. Kysely for ordinary queries; the raw engine handle is exposed
 * only for the bulk paths (prepared inserts on SQLite, COPY on PostgreSQL) used by the importers.
 */
export interface Db {
  readonly dialect: Dialect;
  readonly kysely: Kysely<Database>;
  /** Set when dialect is sqlite: the single connection Kysely also uses. */
  readonly sqlite?: DatabaseSync;
  /** Set when dialect is sqlite: the database file (or :memory:), for a reader on its own connection in a worker. */
  readonly file?: string;
  /** Set when dialect is postgres. */
  readonly pool?: pg.Pool;
  readonly description: string;
  /** PostgreSQL schema named by `?schema=` (tests and benchmarks isolate themselves this way). */
  readonly schema?: string;
  close(): Promise<void>;
}

// int8 (count(*), bigserial) as JavaScript numbers: our counts and ids stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric as numbers too (used only for aggregates).
pg.types.setTypeParser(1700, (v) => Number(v));

/** Adapts node:sqlite's DatabaseSync to the better-sqlite3-shaped interface Kysely's SqliteDialect expects. */
const STATEMENT_CACHE = 500;

function kyselySqliteAdapter(db: DatabaseSync): SqliteDatabase {
  const statements = new Map<string, { stmt: StatementSync; names: string[] }>();
  return {
    close: () => {
      statements.clear();
      db.close();
    },
    prepare(sql: string) {
      // Statements are kept and reused: Kysely prepares every query afresh, and preparing costs as much as a small
      // query.
      // Kysely runs one query at a time on this connection, so a kept statement is never in use twice.
      let kept = statements.get(sql);
      if (kept) statements.delete(sql);
      else {
        const prepared = db.prepare(sql);
        const columns = prepared.columns().map((c) => c.name);
        // Rows come back as arrays and are made into objects here: node:sqlite builds row objects several times more
        // slowly than arrays (measured: 100,000 rows in 370 ms as objects, 120 ms as arrays).
        if (columns.length > 0) prepared.setReturnArrays(true);
        kept = { stmt: prepared, names: columns };
      }
      statements.set(sql, kept);
      if (statements.size > STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
      const { stmt, names } = kept;
      const toObject = (r: unknown[]) => {
        const o: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) o[names[i]!] = r[i];
        return o;
      };
      return {
        reader: names.length > 0,
        all: (params) =>
          names.length > 0
            ? (stmt.all(...(params as never[])) as unknown as unknown[][]).map(toObject)
            : (stmt.all(...(params as never[])) as unknown[]),
        run: (params) => stmt.run(...(params as never[])),
        iterate: function* (params) {
          for (const r of stmt.iterate(...(params as never[])) as IterableIterator<unknown>)
            yield names.length > 0 ? toObject(r as unknown[]) : r;
        },
      };
    },
  };
}

export function sqlitePathFromUrl(url: string): string {
  const p = url.startsWith('sqlite:') ? url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') : url;
  return p === ':memory:' ? p : path.resolve(p);
}

/** How long a write waits for another connection's write lock unless told otherwise. */
const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

export function openSqlite(file: string, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS): DatabaseSync {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  db.exec('PRAGMA cache_size = -65536');
  return db;
}

/**
 * How the database is opened. Timeouts in milliseconds; 0 or unset: none (statement, lock, connect); busy: unset 10 s,
 * 0 fails at once. The web service takes them from its configuration (config.db).
 */
export interface DbOptions extends Partial<DbTimeouts> {
  /**
   * Told of a PostgreSQL connection that failed outside any query (terminated while idle, the server going away): the
   * pool discards it and opens another when next needed. Without it such errors are still handled, silently.
   */
  onConnectionError?: (err: Error) => void;
}

/**
 * A PostgreSQL pool that survives its connections failing: every client gets an 'error' listener as it connects
 * (pg emits 'error' on a client whose connection breaks, and an unheard 'error' ends the process), and so does the pool
 * (it re-emits the error of a client that broke while idle, after discarding it).
 */
function createPool(url: URL, schema: string | null, o: DbOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: Number(url.searchParams.get('pool') ?? 10),
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    // Sent with each new connection; 0 leaves the server's default (none).
    ...(o.statementTimeoutMs ? { statement_timeout: o.statementTimeoutMs } : {}),
    ...(o.lockTimeoutMs ? { lock_timeout: o.lockTimeoutMs } : {}),
    // A refused or hung connect, or a wait for a free client, fails after this long rather than never.
    ...(o.connectTimeoutMs ? { connectionTimeoutMillis: o.connectTimeoutMs } : {}),
    keepAlive: true,
  });
  const report = o.onConnectionError ?? (() => {});
  pool.on('connect', (client) => client.on('error', report));
  // The same error as the client's, already reported by the listener above; the pool has dropped the client.
  pool.on('error', () => {});
  return pool;
}

/**
 * Runs `fn` on a client of its own from the pool and gives the client back; a client whose connection failed under
 * `fn` is given back with the error, so the pool discards it rather than handing it to the next request.
 */
export async function withPoolClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await fn(client);
  } catch (e) {
    if (isDatabaseUnavailable(e)) broken = e as Error;
    throw e;
  } finally {
    client.release(broken);
  }
}

/**
 * Kysely's PostgreSQL introspector reads every schema of the database and calls pg_get_serial_sequence on each table:
 * a table another process drops meanwhile (another test file's schema, another application's) fails the whole read
 * with "relation … does not exist", and the migrator reads it on every start. With a schema, this dialect's
 * introspector reads that schema alone, from the catalogue, without functions that can fail on a dropped table.
 */
class SchemaPostgresDialect extends PostgresDialect {
  readonly #schema: string | null;
  constructor(config: ConstructorParameters<typeof PostgresDialect>[0], schema: string | null) {
    super(config);
    this.#schema = schema;
  }
  // Kysely's own signature: the introspector reads any database.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    const schema = this.#schema;
    if (!schema) return super.createIntrospector(db);
    const getTables = async (): Promise<TableMetadata[]> => {
      const r = await sql<{ name: string; kind: string; column: string | null; type: string | null; notnull: boolean }>`
        select c.relname as name, c.relkind as kind, a.attname as column, t.typname as type, a.attnotnull as notnull
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        left join pg_catalog.pg_type t on t.oid = a.atttypid
        where n.nspname = ${schema} and c.relkind in ('r', 'p', 'v', 'm')
        order by c.relname, a.attnum`.execute(db);
      const tables = new Map<string, TableMetadata>();
      for (const row of r.rows) {
        let t = tables.get(row.name);
        if (!t)
          tables.set(
            row.name,
            (t = { name: row.name, schema, isView: row.kind === 'v' || row.kind === 'm', columns: [] }),
          );
        if (row.column)
          (t.columns as TableMetadata['columns'][number][]).push({
            name: row.column,
            dataType: row.type ?? '',
            isNullable: !row.notnull,
            isAutoIncrementing: false,
            hasDefaultValue: false,
          });
      }
      return [...tables.values()];
    };
    return {
      getSchemas: async () => {
        const r = await sql<{ name: string }>`
          select nspname as name from pg_catalog.pg_namespace where nspname = ${schema}`.execute(db);
        return r.rows.map((x) => ({ name: x.name }));
      },
      getTables,
      getMetadata: async (): Promise<DatabaseMetadata> => ({ tables: await getTables() }),
    };
  }
}

/** Opens the database named by a URL: `postgres://…` (an optional `?schema=` sets search_path) or `sqlite:<file>`. */
export function createDb(url: string, options: DbOptions = {}): Db {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const u = new URL(url);
    const schema = u.searchParams.get('schema');
    u.searchParams.delete('schema');
    const pool = createPool(u, schema, options);
    const kysely = new Kysely<Database>({ dialect: new SchemaPostgresDialect({ pool }, schema) });
    return {
      dialect: 'postgres',
      kysely,
      pool,
      description: `PostgreSQL ${u.host}${u.pathname}${schema ? ` (schema ${schema})` : ''}`,
      ...(schema ? { schema } : {}),
      close: () => kysely.destroy(),
    };
  }
  const file = sqlitePathFromUrl(url);
  const sqlite = openSqlite(file, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: kyselySqliteAdapter(sqlite) }) });
  return {
    dialect: 'sqlite',
    kysely,
    sqlite,
    file,
    description: `SQLite ${file}`,
    close: () => kysely.destroy(),
  };
}
