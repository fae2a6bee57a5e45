import type { Kysely } from 'kysely';

/**
 * A derived metric's method, machine-readable: the formula's kind, the input metrics' codes and how the denominator's
 * period is chosen (JSON, see metrics/derivation.ts). NULL for a metric a publisher gives.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('metrics').addColumn('derivation', 'text').execute();
}
