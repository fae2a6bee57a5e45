import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Budget simulator "about you" questions (issue 19): a simulator may ask optional questions taken from a questionnaire
 * of the surveys module (age band, sex, ward, …) before "check your budget".
 * - budget_simulators.about_you: the questions as they were when the simulator was set up (JSON: the questionnaire's
 *   code and version, each question's code, kind, text and answer codes and labels; which question is age and which
 *   sex, for weighting), so a later change to the questionnaire never changes what residents were asked.
 * - budget_responses.about: a resident's answers (JSON, question code → answer code or short text); null when the
 *   simulator asks none or the resident answered none.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('budget_simulators').addColumn('about_you', 'text').execute();
  await db.schema.alterTable('budget_responses').addColumn('about', 'text').execute();
}
