import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Boundary shapes kept once per distinct shape with the boundary years it is in force in (`year_from` to `year_to`,
 * inclusive), instead of once per year: one TopoJSON file of every year 2014 to 2025 holds about 700 distinct English
 * shapes, where a row per year would be about 6,000. The rows of area_boundaries move over as ranges of one year.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('boundary_shapes')
    .addColumn('layer', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('year_from', 'integer', (c) => c.notNull())
    .addColumn('year_to', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('geometry', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('import_id', 'integer', (c) => c.references('imports.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('boundary_shapes_pk', ['layer', 'code', 'year_from'])
    .execute();
  await db.schema
    .createIndex('boundary_shapes_layer_years')
    .on('boundary_shapes')
    .columns(['layer', 'year_from', 'year_to'])
    .execute();
  await db
    .insertInto('boundary_shapes')
    .columns(['layer', 'code', 'year_from', 'year_to', 'name', 'geometry', 'source', 'import_id', 'updated_at'])
    .expression(
      db
        .selectFrom('area_boundaries')
        .select([
          'layer',
          'code',
          'year as year_from',
          'year as year_to',
          'name',
          'geometry',
          'source',
          'import_id',
          'updated_at',
        ]),
    )
    .execute();
  await db.schema.dropTable('area_boundaries').execute();
}
