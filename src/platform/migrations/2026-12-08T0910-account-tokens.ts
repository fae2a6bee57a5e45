import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Invitations, password resets and self-registrations: one row per emailed link, the token stored as its SHA-256
 * (the link is never kept), single-use (used_at) and expiring. An invitation or a registration carries the account to
 * make (email, name, role, council); a reset names its user. council_domains: the email domains whose addresses may
 * register themselves as users of a council.
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
    .createTable('account_tokens')
    .$call(withId)
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('council_area_id', 'integer', (c) => c.references('areas.id'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('account_tokens_email').on('account_tokens').columns(['email', 'purpose']).execute();
  await db.schema
    .createTable('council_domains')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('council_area_id', 'integer', (c) => c.notNull().references('areas.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
