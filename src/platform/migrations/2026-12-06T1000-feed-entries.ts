import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * The change feed's one ordered sequence: an entry per catalogue change (change_log), per observation revised or
 * withdrawn (observation_revisions) and per metric an import published (import_metrics), each with its position (`id`)
 * in the order the changes were published. Entries are written in the publishing transaction (drafts' changes only when
 * they are published), so a reader's cursor (the last position it saw) resumes without repeating or skipping an entry.
 * Existing changes are filled in, oldest first. Revisions are looked up by the import that replaced them.
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
    .createTable('feed_entries')
    .$call(withId)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'integer', (c) => c.notNull())
    .addColumn('metric_id', 'integer')
    .addColumn('import_id', 'integer')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('feed_entries_at').on('feed_entries').column('at').execute();
  await db.schema.createIndex('feed_entries_metric').on('feed_entries').columns(['metric_id', 'id']).execute();
  await db.schema
    .createIndex('observation_revisions_replaced_by')
    .on('observation_revisions')
    .column('replaced_by_import_id')
    .execute();

  await sql`INSERT INTO feed_entries (kind, ref_id, metric_id, import_id, at)
    SELECT kind, ref_id, metric_id, import_id, at FROM (
      SELECT 'catalogue' AS kind, c.id AS ref_id, m.id AS metric_id, c.import_id, coalesce(i.published_at, c.at) AS at,
        CASE WHEN c.entity = 'import' THEN 3 ELSE 0 END AS k
      FROM change_log c LEFT JOIN imports i ON i.id = c.import_id
        LEFT JOIN metrics m ON c.entity = 'metric' AND m.code = c.entity_key
      WHERE c.import_id IS NULL OR i.state = 'published'
      UNION ALL
      SELECT 'observation', r.id, r.metric_id, r.replaced_by_import_id, r.valid_until, 1 FROM observation_revisions r
      UNION ALL
      SELECT 'publication', im.import_id, im.metric_id, im.import_id, i.published_at, 2
      FROM import_metrics im JOIN imports i ON i.id = im.import_id WHERE i.state = 'published'
    ) e ORDER BY at, k, ref_id, metric_id`.execute(db);
}
