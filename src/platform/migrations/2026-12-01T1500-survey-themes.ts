import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/** Themes analysts tag free-text survey answers with: one row per response, question and theme. */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('survey_text_themes')
    .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('response_id', 'integer', (c) => c.notNull().references('survey_responses.id'))
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('theme', 'text', (c) => c.notNull())
    .addColumn('tagged_by', 'text')
    .addColumn('tagged_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('survey_text_themes_unique', ['response_id', 'question', 'theme'])
    .execute();
  await db.schema
    .createIndex('survey_text_themes_question')
    .on('survey_text_themes')
    .columns(['question', 'theme'])
    .execute();
}
