import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Peer challenge evaluation: the council's leader and chief executive recorded on an engagement (names and email
 * addresses, personal data held for the feedback and impact surveys), one row per engagement and role. Named after
 * the peer and survey migrations so that it runs after them on every database.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('peer_engagement_contacts')
    .$call((t) =>
      dialect === 'postgres'
        ? t.addColumn('id', 'serial', (c) => c.primaryKey())
        : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()),
    )
    .addColumn('engagement_id', 'integer', (c) => c.notNull().references('peer_engagements.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('peer_engagement_contacts_once', ['engagement_id', 'role'])
    .execute();
}
