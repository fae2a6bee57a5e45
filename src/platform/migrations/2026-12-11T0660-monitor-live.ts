import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Programme monitoring's running counts (src/modules/monitor/recorder.ts), kept at write time so that the usage
 * scorecard never scans raw events, whether or not the rollup has run:
 * - monitor_live: per day and kind, the events recorded and the day's distinct visitors, each incremented in the
 *   transaction that writes a batch of raw events. Rows of a day go once the rollup has written its totals.
 * - monitor_visitors: the day's distinct visitor hashes per kind (the same salted hashes as the raw events hold,
 *   never an address), so that a batch adds to `uniques` only the visitors not seen earlier that day. Deleted with
 *   the day's running counts. Daily uniques are never added into a month.
 * Both are filled here from the raw events of the days the rollup has not totalled yet.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('monitor_live')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('events', 'integer', (c) => c.notNull())
    .addColumn('uniques', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('monitor_live_pk', ['day', 'kind'])
    .execute();
  await db.schema
    .createTable('monitor_visitors')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('visitor', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('monitor_visitors_pk', ['day', 'kind', 'visitor'])
    .execute();
  const untotalled = sql`day NOT IN (SELECT day FROM monitor_daily)`;
  await sql`INSERT INTO monitor_visitors (day, kind, visitor)
    SELECT DISTINCT day, kind, visitor FROM monitor_events WHERE ${untotalled}`.execute(db);
  await sql`INSERT INTO monitor_live (day, kind, events, uniques)
    SELECT day, kind, count(*), count(DISTINCT visitor) FROM monitor_events WHERE ${untotalled} GROUP BY day, kind`.execute(
    db,
  );
}
