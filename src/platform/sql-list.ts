import { sql, type RawBuilder } from 'kysely';
import type { Db } from './db.ts';

/**
 * A list as one parameter (a subquery over a JSON array on SQLite, an array on PostgreSQL): a basket of thousands of
 * metrics would otherwise be thousands of bound parameters, each a node Kysely builds and compiles.
 */
export function listOf<T extends string | number>(db: Db, xs: T[]): RawBuilder<T> {
  if (db.sqlite) return sql<T>`(SELECT value FROM json_each(${JSON.stringify(xs)}))`;
  return sql<T>`(SELECT unnest(${xs}::${sql.raw(typeof xs[0] === 'number' ? 'int' : 'text')}[]))`;
}

