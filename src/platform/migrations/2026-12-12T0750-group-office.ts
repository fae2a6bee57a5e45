import type { Kysely } from 'kysely';

/**
 * The group office role (accounts): a political group's office puts forward members of its own group, from any
 * council, for leadership programmes. `users.political_group` holds the group (the party named on its nominations);
 * NULL for every other role.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('political_group', 'text').execute();
}
