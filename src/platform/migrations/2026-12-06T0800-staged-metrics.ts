import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Metric definitions held aside by a draft import: a definition that is new, or that changes a published metric, waits
 * here until the draft is published (then it is applied to `metrics` in the publish transaction) or discarded (then
 * it is deleted with the draft). Nothing reads a draft's definitions but the analysts' preview, so a draft's new or
 * changed metric stays private. `fields` is the definition's catalogue fields as JSON; `metric_id` is the published
 * metric it changes, NULL for a new one (whose staged observations carry the placeholder id `-id` until publication);
 * `slug` is the slug it would get. Portable: the schema builder only.
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
    .createTable('staged_metrics')
    .$call(withId)
    .addColumn('import_id', 'integer', (c) => c.notNull().references('imports.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('metric_id', 'integer')
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('staged_metrics_import_code', ['import_id', 'code'])
    .execute();
}
