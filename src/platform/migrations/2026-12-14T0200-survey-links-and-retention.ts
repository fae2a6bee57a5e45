import type { Kysely } from 'kysely';

/**
 * Stable survey links and a retention rule for a frame's contact details: survey_secrets holds the random secret a
 * member's link is derived from when SLI_LINK_SECRET is not set (one row, made by whichever instance asks first);
 * survey_waves.contacts_erased_at says when a closed wave's contact details were erased (null until then).
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('survey_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('survey_waves').addColumn('contacts_erased_at', 'text').execute();
}
