import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Each metric's plausible range of values (NULL: no bound on that side), which an import checks every value against.
 * Existing metrics get the range their unit type implied when this was written (percentages 0 to 100; counts, rates,
 * ratios, ranks, years and amounts per head at least 0; money, scores, indices and other units unbounded); a metric
 * whose definition says otherwise gets its own range when its definition is next imported.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const real = dialect === 'postgres' ? 'double precision' : 'real';
  await db.schema.alterTable('metrics').addColumn('value_min', sql.raw(real)).execute();
  await db.schema.alterTable('metrics').addColumn('value_max', sql.raw(real)).execute();
  await sql`UPDATE metrics SET value_min = 0 WHERE unit_type IN ('percentage', 'count', 'rate-per-1000',
    'rate-per-10000', 'rate-per-100000', 'currency-per-head', 'ratio', 'rank', 'years')`.execute(db);
  await sql`UPDATE metrics SET value_max = 100 WHERE unit_type = 'percentage'`.execute(db);
}
