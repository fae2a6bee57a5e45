import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Boundary shapes for choropleth maps, per layer (ltla, utla, cty, rgn, cauth) and boundary year, keyed by GSS code.
 * Geometry is GeoJSON text: the super-generalised shapes are a few hundred bytes to a few KB per area.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('area_boundaries')
    .addColumn('layer', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('geometry', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('import_id', 'integer', (c) => c.references('imports.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('area_boundaries_pk', ['layer', 'year', 'code'])
    .execute();
}
