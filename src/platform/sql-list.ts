/** Helpers for bulk SQL: lists as one parameter, rows as arrays. */
import { sql, type CompiledQuery, type RawBuilder } from 'kysely';
import type { Db } from './db.ts';

/**
 * A list as one parameter (a subquery over a JSON array on SQLite, an array on PostgreSQL): a basket of thousands of
 * metrics would otherwise be thousands of bound parameters, each a node Kysely builds and compiles.
 */
export function listOf<T extends string | number>(db: Db, xs: T[]): RawBuilder<T> {
  if (db.sqlite) return sql<T>`(SELECT value FROM json_each(${JSON.stringify(xs)}))`;
  return sql<T>`(SELECT unnest(${xs}::${sql.raw(typeof xs[0] === 'number' ? 'int' : 'text')}[]))`;
}

/**
 * A query's rows as arrays, in its select order: for the bulk reads of analyses over tens of thousands of rows, where
 * an object per row costs more than the query (node:sqlite arrays; PostgreSQL's array row mode).
 */
export async function rowsAsArrays<R extends unknown[]>(db: Db, query: { compile(): CompiledQuery }): Promise<R[]> {
  const c = query.compile();
  if (db.sqlite) {
    const stmt = db.sqlite.prepare(c.sql);
    stmt.setReturnArrays(true);
    return stmt.all(...(c.parameters as never[])) as unknown as R[];
  }
  return (await db.pool!.query<R>({ text: c.sql, values: [...c.parameters], rowMode: 'array' })).rows;
}
