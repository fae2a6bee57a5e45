import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Survey fielding: questionnaire versions, waves, respondents (frame members and anonymous respondents, tokens stored
 * as SHA-256 only), responses (working and submitted copies) and the audit history of every save and submission.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const withId = <T extends CreateTableBuilder<any, any>>(t: T): T =>
    (dialect === 'postgres'
      ? t.addColumn('id', 'serial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())) as T;

  await db.schema
    .createTable('survey_definitions')
    .$call(withId)
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('loaded_by', 'text')
    .addColumn('loaded_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('survey_definitions_code_version', ['code', 'version'])
    .execute();

  await db.schema
    .createTable('survey_waves')
    .$call(withId)
    .addColumn('definition_id', 'integer', (c) => c.notNull().references('survey_definitions.id'))
    .addColumn('survey_code', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('opens_at', 'text', (c) => c.notNull())
    .addColumn('closes_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('survey_respondents')
    .$call(withId)
    .addColumn('wave_id', 'integer', (c) => c.notNull().references('survey_waves.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('area_code', 'text')
    .addColumn('area_name', 'text')
    .addColumn('authority_type', 'text')
    .addColumn('region_code', 'text')
    .addColumn('region_name', 'text')
    .addColumn('role', 'text')
    .addColumn('contact_name', 'text')
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('token_issued_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('survey_respondents_wave')
    .on('survey_respondents')
    .columns(['wave_id', 'kind'])
    .execute();

  await db.schema
    .createTable('survey_responses')
    .$call(withId)
    .addColumn('wave_id', 'integer', (c) => c.notNull().references('survey_waves.id'))
    .addColumn('respondent_id', 'integer', (c) => c.notNull().unique().references('survey_respondents.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('submitted_answers', 'text')
    .addColumn('submitted_revision', 'integer')
    .addColumn('submissions', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text')
    .execute();
  await db.schema.createIndex('survey_responses_wave').on('survey_responses').column('wave_id').execute();

  await db.schema
    .createTable('survey_response_history')
    .$call(withId)
    .addColumn('response_id', 'integer', (c) => c.notNull().references('survey_responses.id'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('page', 'text')
    .addColumn('posted', 'text')
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('survey_response_history_response')
    .on('survey_response_history')
    .columns(['response_id', 'revision'])
    .execute();
}
