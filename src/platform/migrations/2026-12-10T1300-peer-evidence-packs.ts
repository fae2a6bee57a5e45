import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Position-statement evidence packs of peer challenge engagements, frozen: each generated pack's content is kept as one
 * JSON snapshot with its date and who generated it, so later data changes and re-publications never alter it.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('peer_evidence_packs')
    .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('engagement_id', 'integer', (c) => c.notNull().references('peer_engagements.id'))
    .addColumn('as_at', 'text', (c) => c.notNull())
    .addColumn('generated_at', 'text', (c) => c.notNull())
    .addColumn('generated_by', 'integer')
    .addColumn('generated_by_name', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('peer_evidence_packs_engagement')
    .on('peer_evidence_packs')
    .columns(['engagement_id', 'id'])
    .execute();
}
