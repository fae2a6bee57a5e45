import type { Kysely } from 'kysely';

/**
 * A multi-year gap's balance rule (budget simulators): `each-year` (the choices, which recur every year, must close
 * every year's gap) or `cumulative` (over the plan, the choices add up to the gaps added up: an early surplus carried
 * in reserves covers a later shortfall). NULL for a one-year gap; existing multi-year simulators read as `each-year`.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('budget_simulators').addColumn('gap_rule', 'text').execute();
}
