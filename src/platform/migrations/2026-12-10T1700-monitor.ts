import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Programme monitoring (src/modules/monitor): requests counted without tracking people, the councils active each day,
 * and the plan of deliverables with its quarterly progress.
 * - monitor_salts: one random salt per day (UTC), deleted once two days old; a visitor hash is sha256(salt + client
 *   address + user agent), so once the salt is gone no hash can be linked to an address.
 * - monitor_events: raw events (kind, route pattern, status, day, visitor hash), kept 60 days.
 * - monitor_daily: per day, kind and route pattern (route "*" = the kind's every route): events and unique visitors,
 *   written by the rollup for every completed day and kept.
 * - monitor_council_days: a council whose signed-in user made a request that day (no user is recorded).
 * - monitor_deliverables / monitor_progress: the plan agreed per theme and financial year, and progress per quarter.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('monitor_salts')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('salt', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('monitor_events')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('visitor', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('monitor_events_day').on('monitor_events').columns(['day', 'kind']).execute();
  await db.schema
    .createTable('monitor_daily')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('events', 'integer', (c) => c.notNull())
    .addColumn('uniques', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('monitor_daily_pk', ['day', 'kind', 'route'])
    .execute();
  await db.schema
    .createTable('monitor_council_days')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('council_code', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('monitor_council_days_pk', ['day', 'council_code'])
    .execute();
  await db.schema
    .createTable('monitor_deliverables')
    .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('theme', 'text', (c) => c.notNull())
    .addColumn('deliverable', 'text', (c) => c.notNull())
    .addColumn('target', 'real')
    .addColumn('due_quarter', 'text', (c) => c.notNull())
    .addColumn('measure', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('monitor_deliverables_year')
    .on('monitor_deliverables')
    .columns(['year', 'theme', 'deliverable'])
    .unique()
    .execute();
  await db.schema
    .createTable('monitor_progress')
    .addColumn('deliverable_id', 'integer', (c) =>
      c.notNull().references('monitor_deliverables.id').onDelete('cascade'),
    )
    .addColumn('quarter', 'text', (c) => c.notNull())
    .addColumn('value', 'real')
    .addColumn('note', 'text')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('monitor_progress_pk', ['deliverable_id', 'quarter'])
    .execute();
}
