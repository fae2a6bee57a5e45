import type { Kysely } from 'kysely';

/**
 * Accounts: an administrator's invitation to the group office role carries the office's political group
 * (`account_tokens.political_group`), which accepting the invitation copies to `users.political_group`; NULL for every
 * other role and for resets and registrations.
 * Leadership: a participant's number among their council's people in the cohort, fixed when a survey frame first names
 * it (`lead_participants.frame_number`, lead/frame-numbers.ts); NULL until then.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('account_tokens').addColumn('political_group', 'text').execute();
  await db.schema.alterTable('lead_participants').addColumn('frame_number', 'integer').execute();
}
