import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Saved reports: a registered user's report definition (metrics, areas or a group, periods, chart) with a title,
 * visibility and an unguessable slug. Figures are never stored: every view re-computes from the published data.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('saved_reports')
    .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('owner_user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('saved_reports_owner')
    .on('saved_reports')
    .columns(['owner_user_id', 'updated_at'])
    .execute();
  await db.schema
    .createIndex('saved_reports_visibility')
    .on('saved_reports')
    .columns(['visibility', 'updated_at'])
    .execute();
}
