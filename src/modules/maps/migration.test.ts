import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDb } from '../../../test/helpers/db.ts';
import { migrateTo, migrateToLatest } from '../../platform/migrate.ts';
import { servicesFor } from '../../app/services.ts';

describe('maps: the upgrade to shapes kept with their years', () => {
  it('moves the boundaries stored per year into ranges of one year, read as before', async () => {
    const old = await createTestDb(undefined, { migrate: false });
    try {
      await migrateTo(old, '2026-12-01T1700-national-figures');
      const now = '2026-12-01T00:00:00Z';
      const square = (d: number) =>
        JSON.stringify({
          type: 'Polygon',
          coordinates: [
            [
              [0, 52],
              [0, 52 + d],
              [d, 52 + d],
              [d, 52],
              [0, 52],
            ],
          ],
        });
      await sql`INSERT INTO area_boundaries (layer, year, code, name, geometry, source, import_id, updated_at) VALUES
        ('ltla', 2019, 'E07000004', 'Aylesbury Vale', ${square(0.1)}, 'england_ltla_2019.geojson', NULL, ${now}),
        ('ltla', 2025, 'E06000060', 'Buckinghamshire', ${square(0.3)}, 'england_ltla_2025.geojson', NULL, ${now}),
        ('ltla', 2019, 'E06000001', 'Hartlepool', ${square(0.2)}, 'england_ltla_2019.geojson', NULL, ${now}),
        ('ltla', 2025, 'E06000001', 'Hartlepool', ${square(0.2)}, 'england_ltla_2025.geojson', NULL, ${now})`.execute(
        old.kysely,
      );
      await migrateToLatest(old);
      const rows = await old.kysely
        .selectFrom('boundary_shapes')
        .select(['code', 'year_from', 'year_to', 'source'])
        .orderBy('code')
        .orderBy('year_from')
        .execute();
      expect(rows.map((r) => [r.code, Number(r.year_from), Number(r.year_to), r.source])).toEqual([
        ['E06000001', 2019, 2019, 'england_ltla_2019.geojson'],
        ['E06000001', 2025, 2025, 'england_ltla_2025.geojson'],
        ['E06000060', 2025, 2025, 'england_ltla_2025.geojson'],
        ['E07000004', 2019, 2019, 'england_ltla_2019.geojson'],
      ]);
      const maps = servicesFor(old).maps;
      expect((await maps.getBoundaries('ltla', 2019)).map((f) => f.name)).toEqual(['Hartlepool', 'Aylesbury Vale']);
      expect((await maps.availableLayers()).map((l) => [l.layer, l.year, l.features])).toEqual([
        ['ltla', 2019, 2],
        ['ltla', 2025, 2],
      ]);
      // On PostgreSQL, only this test's schema (others in the database may be at other versions).
      const schema = old.dialect === 'postgres' ? new URL(old.url).searchParams.get('schema') : undefined;
      const tables = (await old.kysely.introspection.getTables())
        .filter((t) => schema === undefined || t.schema === schema)
        .map((t) => t.name);
      expect(tables).toContain('boundary_shapes');
      expect(tables).not.toContain('area_boundaries');
    } finally {
      await old.drop();
    }
  });
});
