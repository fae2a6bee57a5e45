import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Survey invitations and reminders by email: a frame member's email address (personal data, held for the wave) and
 * whether they opted out of reminders; one survey_mailings row per invitation or reminder queued (its round, the email
 * message it queued, when); a wave's closed_at when it was closed early from its page.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const withId = <T extends CreateTableBuilder<any, any>>(t: T): T =>
    (dialect === 'postgres'
      ? t.addColumn('id', 'serial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())) as T;
  await db.schema.alterTable('survey_respondents').addColumn('contact_email', 'text').execute();
  await db.schema.alterTable('survey_respondents').addColumn('opted_out_at', 'text').execute();
  await db.schema.alterTable('survey_waves').addColumn('closed_at', 'text').execute();
  await db.schema.alterTable('survey_waves').addColumn('closed_by', 'text').execute();
  await db.schema
    .createTable('survey_mailings')
    .$call(withId)
    .addColumn('wave_id', 'integer', (c) => c.notNull().references('survey_waves.id').onDelete('cascade'))
    .addColumn('respondent_id', 'integer', (c) => c.notNull().references('survey_respondents.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('email_message_id', 'integer', (c) => c.notNull())
    .addColumn('sent_by', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addUniqueConstraint('survey_mailings_once', ['respondent_id', 'kind', 'round'])
    .execute();
  await db.schema.createIndex('survey_mailings_wave').on('survey_mailings').columns(['wave_id', 'kind']).execute();
}
