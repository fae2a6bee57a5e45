import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * The sector overview: baskets of key metrics and early-warning rule sets, each a named, versioned definition stored
 * as JSON (validated against the catalogue when loaded); screening runs with the flags they raised, flag history
 * (when a council entered and left a flag) and analysts' annotations.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const withId = <T extends CreateTableBuilder<any, any>>(t: T): T =>
    (dialect === 'postgres'
      ? t.addColumn('id', 'serial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())) as T;

  for (const table of ['baskets', 'rule_sets']) {
    await db.schema
      .createTable(table)
      .$call(withId)
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('loaded_at', 'text', (c) => c.notNull())
      .addUniqueConstraint(`${table}_code_version`, ['code', 'version'])
      .execute();
  }

  await db.schema
    .createTable('screening_runs')
    .$call(withId)
    .addColumn('rule_set_id', 'integer', (c) => c.notNull().references('rule_sets.id'))
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('data_as_of', 'text')
    .addColumn('councils', 'integer', (c) => c.notNull())
    .addColumn('flags', 'integer', (c) => c.notNull())
    .addColumn('summary', 'text')
    .execute();

  await db.schema
    .createTable('early_warning_flags')
    .$call(withId)
    .addColumn('rule_set_id', 'integer', (c) => c.notNull().references('rule_sets.id'))
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('area_id', 'integer', (c) => c.notNull().references('areas.id'))
    .addColumn('entered_at', 'text', (c) => c.notNull())
    .addColumn('entered_run_id', 'integer', (c) => c.notNull().references('screening_runs.id'))
    .addColumn('left_at', 'text')
    .addColumn('left_run_id', 'integer', (c) => c.references('screening_runs.id'))
    .addColumn('evidence', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('early_warning_flags_area')
    .on('early_warning_flags')
    .columns(['area_id', 'rule_id'])
    .execute();
  await db.schema
    .createIndex('early_warning_flags_open')
    .on('early_warning_flags')
    .columns(['rule_set_id', 'left_at'])
    .execute();

  await db.schema
    .createTable('flag_annotations')
    .$call(withId)
    .addColumn('flag_id', 'integer', (c) => c.notNull().references('early_warning_flags.id').onDelete('cascade'))
    .addColumn('user_id', 'integer')
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
