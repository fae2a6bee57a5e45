import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Sign-in throttling counted atomically: one row per key (`email:<address>`, `ip:<client>`, `known:<user id>`) with
 * the attempts since the last success and the time of the latest (milliseconds since 1970). Every attempt is counted
 * by one INSERT … ON CONFLICT DO UPDATE before the password is checked, so parallel attempts cannot all pass a limit
 * read before any was written. Replaces login_attempts (one row per failure, counted by a read that raced the writes);
 * its rows are throttles at most 15 minutes old and are not carried over.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('login_throttles')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_throttles_last_at').on('login_throttles').column('last_at').execute();
  await db.schema.dropTable('login_attempts').execute();
}
