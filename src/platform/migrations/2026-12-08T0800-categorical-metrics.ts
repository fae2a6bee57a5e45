import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Categorical (ordinal) metrics: `metrics.categories` holds a categorical metric's ordered categories as JSON
 * ([{code, label}], unit_type 'category'); an observation stores the category's 1-based position. NULL for every
 * numeric metric, so existing rows need nothing.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('metrics').addColumn('categories', 'text').execute();
}
