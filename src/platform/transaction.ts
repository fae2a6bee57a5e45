import type { DatabaseSync } from 'node:sqlite';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { Database, Db, Dialect } from './db.ts';

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
}

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
 * Runs `fn` in one transaction: committed when it returns, rolled back when it throws. Throwing a RollbackSignal
 * rolls back and returns its value (dry runs, rejected imports). A killed process never commits, so the database
 * is left as it was.
 */
export async function withTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (db.dialect === 'sqlite') {
    const s = db.sqlite!;
    const tx: Tx = {
      dialect: 'sqlite',
      kysely: db.kysely,
      sqlite: s,
      run: async (q, p = []) => Number(s.prepare(q).run(...(p as never[])).changes),
      all: async <R>(q: string, p: unknown[] = []) => s.prepare(q).all(...(p as never[])) as R[],
    };
    s.exec('BEGIN IMMEDIATE');
    try {
      const result = await fn(tx);
      s.exec('COMMIT');
      return result;
    } catch (e) {
      s.exec('ROLLBACK');
      if (e instanceof RollbackSignal) return e.value as T;
      throw e;
    }
  }
  const client = await db.pool!.connect();
  // A Kysely bound to this one client, so builder queries run inside the transaction.
  const kysely = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: { connect: async () => ({ query: client.query.bind(client), release: () => {} }) as never, end: async () => {} },
    }),
  });
  const tx: Tx = {
    dialect: 'postgres',
    kysely,
    pg: client,
    run: async (q, p = []) => (await client.query(toPgPlaceholders(q), p)).rowCount ?? 0,
    all: async <R>(q: string, p: unknown[] = []) => (await client.query(toPgPlaceholders(q), p)).rows as R[],
  };
  try {
    await client.query('BEGIN');
    const result = await fn(tx);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    if (e instanceof RollbackSignal) return e.value as T;
    throw e;
  } finally {
    client.release();
  }
}
