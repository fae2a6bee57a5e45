import type { DatabaseSync } from 'node:sqlite';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { Database, Db, Dialect } from './db.ts';
import { isDatabaseUnavailable } from './db-errors.ts';

/**
 * A write transaction with both a Kysely handle bound to it and the raw engine handle for bulk paths.
 * `run`/`all` take SQL with `?` placeholders on either dialect.
 */
export interface Tx {
  readonly dialect: Dialect;
  readonly kysely: Kysely<Database>;
  readonly sqlite?: DatabaseSync;
  readonly pg?: pg.PoolClient;
  run(sql: string, params?: unknown[]): Promise<number>;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Lets writers of other processes in (TransactionOptions.yieldAfterMs, SQLite only): once this transaction has held
   * the write lock that long, commits what it has written, pauses YIELD_PAUSE_MS and begins again. True when it did;
   * always false otherwise (and on PostgreSQL, whose writers of different rows do not wait for each other). The caller
   * must be able to undo what the parts committed if it fails later (imports/parts.ts).
   */
  yieldLock(): Promise<boolean>;
  /**
   * With yieldAfterMs on SQLite: commits what is written so far, runs `fn` (which must not write) without the write
   * lock, and begins again: a long read before the next write (an importer's first pass over a file). Otherwise it
   * just runs `fn`.
   */
  unlocked<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * How long a yielding transaction pauses between parts: longer than the 100 ms SQLite's busy handler waits at most
 * between tries, so a writer of another process waiting on the lock gets it.
 */
export const YIELD_PAUSE_MS = 110;

export class RollbackSignal<T> extends Error {
  readonly value: T;
  constructor(value: T) {
    super('rollback requested');
    this.value = value;
  }
}

const toPgPlaceholders = (q: string) => {
  let i = 0;
  return q.replace(/\?/g, () => `$${++i}`);
};

/**
 * Runs `fn` inside BEGIN … COMMIT on a PostgreSQL client of its own from the pool, after `settings` (e.g.
 * `SET LOCAL jit = off`); rolled back when `fn` throws. The client goes back to the pool, or is discarded when its
 * connection failed (the rollback failing, or the error saying so), so a broken client never serves another request.
 */
export async function pgTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  settings: string[] = [],
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    for (const s of settings) await client.query(s);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    if (!broken && isDatabaseUnavailable(e)) broken = e as Error;
    throw e;
  } finally {
    client.release(broken);
  }
}

export interface TransactionOptions {
  /**
   * No statement timeout inside this transaction (PostgreSQL: SET LOCAL statement_timeout = 0): for imports, whose bulk
   * writes may rightly run longer than a request's statement timeout. Lock waits keep the connection's lock timeout.
   */
  long?: boolean;
  /**
   * SQLite: the transaction may be committed in parts (Tx.yieldLock) once it has held the write lock this long, so
   * that another process's writes (the web service's, during a first load) wait at most about this long.
   */
  yieldAfterMs?: number;
}

/**
 * Runs `fn` in one transaction: committed when it returns, rolled back when it throws. Throwing a RollbackSignal
 * rolls back and returns its value (dry runs, rejected imports). A killed process never commits, so the database
 * is left as it was.
 */
export async function withTransaction<T>(
  db: Db,
  fn: (tx: Tx) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  if (db.dialect === 'sqlite') return sqliteSerialised(db.sqlite!, () => sqliteTransaction(db, fn, opts.yieldAfterMs));
  try {
    const settings = opts.long ? ['SET LOCAL statement_timeout = 0'] : [];
    return await pgTransaction(db.pool!, (client) => fn(pgTx(client)), settings);
  } catch (e) {
    if (e instanceof RollbackSignal) return e.value as T;
    throw e;
  }
}

/**
 * SQLite has one connection per process: two transactions begun on it while the first awaits would nest (BEGIN inside
 * BEGIN fails) or mix their statements. Each connection's transactions therefore run one after another, in the order
 * they were asked for; BEGIN IMMEDIATE then takes the file's write lock against other processes.
 */
const sqliteQueues = new WeakMap<DatabaseSync, Promise<unknown>>();
function sqliteSerialised<T>(s: DatabaseSync, run: () => Promise<T>): Promise<T> {
  const before = sqliteQueues.get(s) ?? Promise.resolve();
  const result = before.then(run, run);
  sqliteQueues.set(
    s,
    result.catch(() => undefined),
  );
  return result;
}

async function sqliteTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, yieldAfterMs?: number): Promise<T> {
  {
    const s = db.sqlite!;
    let began = performance.now();
    const tx: Tx = {
      dialect: 'sqlite',
      kysely: db.kysely,
      sqlite: s,
      run: async (q, p = []) => Number(s.prepare(q).run(...(p as never[])).changes),
      all: async <R>(q: string, p: unknown[] = []) => s.prepare(q).all(...(p as never[])) as R[],
      async yieldLock() {
        if (yieldAfterMs === undefined || performance.now() - began < yieldAfterMs) return false;
        s.exec('COMMIT');
        await new Promise((resolve) => setTimeout(resolve, YIELD_PAUSE_MS));
        s.exec('BEGIN IMMEDIATE');
        began = performance.now();
        return true;
      },
      async unlocked(read) {
        if (yieldAfterMs === undefined) return read();
        s.exec('COMMIT');
        try {
          return await read();
        } finally {
          s.exec('BEGIN IMMEDIATE');
          began = performance.now();
        }
      },
    };
    s.exec('BEGIN IMMEDIATE');
    try {
      const result = await fn(tx);
      s.exec('COMMIT');
      return result;
    } catch (e) {
      // (Not in one when a part's BEGIN after a yield failed.)
      if (s.isTransaction) s.exec('ROLLBACK');
      if (e instanceof RollbackSignal) return e.value as T;
      throw e;
    }
  }
}

/**
 * A Kysely bound to one pooled client, made once per client: the pool hands the same clients out again, and a client
 * is in one transaction at a time, so each transaction on it reuses the instance (and its prepared connection wrapper)
 * instead of building a new one.
 */
const boundKysely = new WeakMap<pg.PoolClient, Kysely<Database>>();
function kyselyOn(client: pg.PoolClient): Kysely<Database> {
  let kysely = boundKysely.get(client);
  if (!kysely) {
    const connection = { query: client.query.bind(client), release: () => {} };
    kysely = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: { connect: async () => connection as never, end: async () => {} } }),
    });
    boundKysely.set(client, kysely);
  }
  return kysely;
}

/** The Tx of a PostgreSQL client in a transaction, with a Kysely bound to it so builder queries run inside it. */
function pgTx(client: pg.PoolClient): Tx {
  const kysely = kyselyOn(client);
  return {
    dialect: 'postgres',
    kysely,
    pg: client,
    run: async (q, p = []) => (await client.query(toPgPlaceholders(q), p)).rowCount ?? 0,
    all: async <R>(q: string, p: unknown[] = []) => (await client.query(toPgPlaceholders(q), p)).rows as R[],
    yieldLock: async () => false,
    unlocked: (read) => read(),
  };
}
