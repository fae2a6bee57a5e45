import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Comparison groups stored as data: published families (DfE statistical neighbours, ONS similar areas and clusters)
 * and our own nearest-neighbours model, each family versioned with its model, source and licence; the groups of a
 * family (one per owner council for neighbour sets, one per cluster), and their members with rank and distance.
 * Built-in groups (same type, region, county, combined authority, England) are derived from the geography and not
 * stored.
 * Custom groups (owned by a user) live in the same tables with family_id null.
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
    .createTable('group_families')
    .$call(withId)
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('method', 'text')
    .addColumn('model', 'text')
    .addColumn('area_types', 'text', (c) => c.notNull())
    .addColumn('publisher', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('licence', 'text', (c) => c.notNull())
    .addColumn('attribution', 'text')
    .addColumn('caveats', 'text')
    .addColumn('published_at', 'text')
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('import_id', 'integer', (c) => c.references('imports.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('group_families_code_version', ['code', 'version'])
    .execute();

  await db.schema
    .createTable('comparison_groups')
    .$call(withId)
    .addColumn('family_id', 'integer', (c) => c.references('group_families.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('owner_area_id', 'integer', (c) => c.references('areas.id'))
    .addColumn('owner_user_id', 'integer')
    .addColumn('visibility', 'text', (c) => c.notNull().defaultTo('public'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('comparison_groups_family_owner')
    .on('comparison_groups')
    .columns(['family_id', 'owner_area_id'])
    .execute();
  await db.schema.createIndex('comparison_groups_owner_user').on('comparison_groups').column('owner_user_id').execute();

  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('comparison_groups.id').onDelete('cascade'))
    .addColumn('area_id', 'integer', (c) => c.notNull().references('areas.id'))
    .addColumn('rank', 'integer')
    .addColumn('distance', real)
    .addColumn('note', 'text')
    .addColumn('detail', 'text')
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'area_id'])
    .execute();
  await db.schema.createIndex('group_members_area').on('group_members').column('area_id').execute();
}
