import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Budget simulator population for weighting (issue 19): the council's population by age band and sex that an officer
 * enters or uploads at set-up (budget/population.ts), which the results rake responses to on both margins.
 * - budget_simulators.population: JSON (the source the officer names and its date, counts or percentages, and the
 *   rows: age answer code, sex answer code, value: two margins, or an age × sex table); null when none is entered
 *   (the results then weight by age only, to the ONS mid-year estimate the platform holds).
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('budget_simulators').addColumn('population', 'text').execute();
}
