import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * The data service schema: areas and their geography over time, metrics, periods, observations with revision history,
 * imports (draft and published), and the change log. Portable: the schema builder only, with an autoincrementing id
 * that is `serial` on PostgreSQL and `integer primary key autoincrement` on SQLite. Dates are ISO 8601 text.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const withId = <T extends CreateTableBuilder<any, any>>(t: T): T =>
    (dialect === 'postgres'
      ? t.addColumn('id', 'serial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())) as T;
  const real = dialect === 'postgres' ? 'double precision' : 'real';

  await db.schema
    .createTable('areas')
    .$call(withId)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'text')
    .addColumn('valid_to', 'text')
    .addColumn('source', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('areas_type').on('areas').column('type').execute();

  await db.schema
    .createTable('area_names')
    .addColumn('area_id', 'integer', (c) => c.notNull().references('areas.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text')
    .addPrimaryKeyConstraint('area_names_pk', ['area_id', 'valid_from'])
    .execute();

  await db.schema
    .createTable('area_parents')
    .addColumn('area_id', 'integer', (c) => c.notNull().references('areas.id').onDelete('cascade'))
    .addColumn('relation', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'integer', (c) => c.notNull().references('areas.id').onDelete('cascade'))
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text')
    .addPrimaryKeyConstraint('area_parents_pk', ['area_id', 'relation', 'valid_from'])
    .execute();
  await db.schema.createIndex('area_parents_parent').on('area_parents').columns(['parent_id', 'relation']).execute();

  await db.schema
    .createTable('area_successions')
    .addColumn('predecessor_id', 'integer', (c) => c.notNull().references('areas.id').onDelete('cascade'))
    .addColumn('successor_id', 'integer', (c) => c.notNull().references('areas.id').onDelete('cascade'))
    .addColumn('change_type', 'text', (c) => c.notNull())
    .addColumn('effective_date', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('area_successions_pk', ['predecessor_id', 'successor_id'])
    .execute();
  await db.schema.createIndex('area_successions_successor').on('area_successions').column('successor_id').execute();

  await db.schema
    .createTable('topics')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('imports')
    .$call(withId)
    .addColumn('adapter', 'text', (c) => c.notNull())
    .addColumn('files', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('inserted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('summary', 'text')
    .execute();

  await db.schema
    .createTable('metrics')
    .$call(withId)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('short_title', 'text')
    .addColumn('description', 'text')
    .addColumn('definition', 'text')
    .addColumn('caveats', 'text')
    .addColumn('topic_id', 'text', (c) => c.references('topics.id'))
    .addColumn('subtopic', 'text')
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('unit_type', 'text', (c) => c.notNull())
    .addColumn('decimal_places', 'integer', (c) => c.notNull())
    .addColumn('multiplier', real, (c) => c.notNull().defaultTo(1))
    .addColumn('polarity', 'text', (c) => c.notNull())
    .addColumn('period_type', 'text', (c) => c.notNull())
    .addColumn('applicable_area_types', 'text', (c) => c.notNull())
    .addColumn('source_publisher', 'text', (c) => c.notNull())
    .addColumn('source_url', 'text')
    .addColumn('licence', 'text', (c) => c.notNull())
    .addColumn('attribution', 'text')
    .addColumn('statistics_status', 'text', (c) => c.notNull())
    .addColumn('numerator_label', 'text')
    .addColumn('denominator_label', 'text')
    .addColumn('calculation', 'text')
    .addColumn('released_at', 'text')
    .addColumn('next_release_at', 'text')
    .addColumn('adapter', 'text', (c) => c.notNull())
    .addColumn('publisher_code', 'text')
    .addColumn('import_id', 'integer', (c) => c.references('imports.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('metrics_topic').on('metrics').column('topic_id').execute();

  await db.schema
    .createTable('metric_slugs')
    .addColumn('slug', 'text', (c) => c.primaryKey())
    .addColumn('metric_id', 'integer', (c) => c.notNull().references('metrics.id').onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('periods')
    .$call(withId)
    .addColumn('iso', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('end_date', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('observations')
    .addColumn('metric_id', 'integer', (c) => c.notNull())
    .addColumn('period_id', 'integer', (c) => c.notNull())
    .addColumn('area_id', 'integer', (c) => c.notNull())
    .addColumn('value', real)
    .addColumn('status', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('lci', real)
    .addColumn('uci', real)
    .addColumn('ci_level', real)
    .addColumn('numerator', real)
    .addColumn('denominator', real)
    .addColumn('note', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('import_id', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('observations_pk', ['metric_id', 'period_id', 'area_id'])
    .execute();
  await db.schema.createIndex('observations_area').on('observations').columns(['area_id', 'metric_id']).execute();

  await db.schema
    .createTable('staged_observations')
    .addColumn('import_id', 'integer', (c) => c.notNull())
    .addColumn('metric_id', 'integer', (c) => c.notNull())
    .addColumn('period_id', 'integer', (c) => c.notNull())
    .addColumn('area_id', 'integer', (c) => c.notNull())
    .addColumn('value', real)
    .addColumn('status', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('lci', real)
    .addColumn('uci', real)
    .addColumn('ci_level', real)
    .addColumn('numerator', real)
    .addColumn('denominator', real)
    .addColumn('note', 'text')
    .addColumn('source_line', 'integer')
    .addPrimaryKeyConstraint('staged_observations_pk', ['import_id', 'metric_id', 'period_id', 'area_id'])
    .execute();

  await db.schema
    .createTable('observation_revisions')
    .$call(withId)
    .addColumn('metric_id', 'integer', (c) => c.notNull())
    .addColumn('period_id', 'integer', (c) => c.notNull())
    .addColumn('area_id', 'integer', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('value', real)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('lci', real)
    .addColumn('uci', real)
    .addColumn('ci_level', real)
    .addColumn('numerator', real)
    .addColumn('denominator', real)
    .addColumn('note', 'text')
    .addColumn('import_id', 'integer', (c) => c.notNull())
    .addColumn('valid_until', 'text', (c) => c.notNull())
    .addColumn('replaced_by_import_id', 'integer')
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('observation_revisions_key')
    .on('observation_revisions')
    .columns(['metric_id', 'area_id', 'period_id'])
    .execute();
  await db.schema.createIndex('observation_revisions_time').on('observation_revisions').column('valid_until').execute();

  // Per import and metric: what the import did, for the change feed and coverage.
  await db.schema
    .createTable('import_metrics')
    .addColumn('import_id', 'integer', (c) => c.notNull().references('imports.id').onDelete('cascade'))
    .addColumn('metric_id', 'integer', (c) => c.notNull().references('metrics.id').onDelete('cascade'))
    .addColumn('inserted', 'integer', (c) => c.notNull())
    .addColumn('updated', 'integer', (c) => c.notNull())
    .addColumn('unchanged', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_metrics_pk', ['import_id', 'metric_id'])
    .execute();

  // Which periods each metric has published data for, with the number of areas: the catalogue's coverage and `latest`.
  await db.schema
    .createTable('metric_periods')
    .addColumn('metric_id', 'integer', (c) => c.notNull().references('metrics.id').onDelete('cascade'))
    .addColumn('period_id', 'integer', (c) => c.notNull().references('periods.id'))
    .addColumn('n_areas', 'integer', (c) => c.notNull())
    .addColumn('n_values', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('metric_periods_pk', ['metric_id', 'period_id'])
    .execute();

  // Change log for catalogue and geography entities (observation changes come from revisions and import_metrics).
  await db.schema
    .createTable('change_log')
    .$call(withId)
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_key', 'text', (c) => c.notNull())
    .addColumn('import_id', 'integer')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('change_log_at').on('change_log').column('at').execute();
}
