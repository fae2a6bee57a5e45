import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * England's own published figure for each metric and period, beside the coverage counts it is refreshed with at every
 * publication (the same scan of the metric's rows): analyses of England over thousands of metrics read one compact row
 * per metric and period instead of one scattered observation among hundreds of councils'. `england_status` is NULL when
 * there is no England observation; otherwise it is the observation's status text ('' when none), as in observations.
 * Existing coverage rows are filled from the observations.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const real = dialect === 'postgres' ? 'double precision' : 'real';
  for (const [column, type] of [
    ['england_value', real],
    ['england_lci', real],
    ['england_uci', real],
    ['england_status', 'text'],
    ['england_note', 'text'],
  ] as const) {
    await db.schema.alterTable('metric_periods').addColumn(column, sql.raw(type)).execute();
  }
  const from = (column: string) =>
    sql.raw(
      `(SELECT o.${column} FROM observations o JOIN areas a ON a.id = o.area_id AND a.code = 'E92000001'
      WHERE o.metric_id = metric_periods.metric_id AND o.period_id = metric_periods.period_id)`,
    );
  await sql`UPDATE metric_periods SET england_value = ${from('value')}, england_lci = ${from('lci')}, england_uci = ${from('uci')},
    england_status = ${from('status')}, england_note = ${from('note')}`.execute(db);
}
