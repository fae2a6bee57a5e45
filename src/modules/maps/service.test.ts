import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { withTransaction } from '../../platform/transaction.ts';
import type { BoundaryBundle } from './bundle.ts';
import { applyBoundaries } from './index.ts';
import { servicesFor } from '../../app/services.ts';

const square = (x: number, y: number, d = 0.1) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x, y + d],
      [x + d, y + d],
      [x + d, y],
      [x, y],
    ],
  ],
});
const bundle = (layer: string, year: number, features: BoundaryBundle['features']): BoundaryBundle => ({
  layer,
  year,
  source: 'test',
  features,
});

describe('maps service', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => db.drop());

  const apply = (b: BoundaryBundle, now = '2026-01-01T00:00:00.000Z') =>
    withTransaction(db, async (tx) => {
      const { id } = await tx.kysely
        .insertInto('imports')
        .values({
          adapter: 'test',
          files: '[]',
          state: 'published',
          created_at: now,
          published_at: now,
          inserted: 0,
          updated: 0,
          unchanged: 0,
          rejected: 0,
          summary: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return applyBoundaries(tx, b, { importId: id, now });
    });

  it('getBoundaries returns parsed shapes by code, caches them, and reads them again after a change', async () => {
    const maps = servicesFor(db).maps;
    expect(await maps.getBoundaries('rgn', 2025)).toEqual([]);
    expect(
      await apply(
        bundle('rgn', 2025, [
          { code: 'E12000002', name: 'North West', geometry: square(-3, 54) },
          { code: 'E12000001', name: 'North East', geometry: square(-1.5, 55) },
        ]),
      ),
    ).toEqual({ created: 2, updated: 0, unchanged: 0 });
    const first = await maps.getBoundaries('rgn', 2025);
    expect(first.map((f) => [f.code, f.name, f.geometry.type])).toEqual([
      ['E12000001', 'North East', 'Polygon'],
      ['E12000002', 'North West', 'Polygon'],
    ]);
    expect(first[0]!.geometry).toEqual(square(-1.5, 55));
    expect(await maps.getBoundaries('rgn', 2025)).toBe(first);

    expect(
      await apply(
        bundle('rgn', 2025, [{ code: 'E12000001', name: 'North East', geometry: square(-1.5, 55, 0.2) }]),
        '2026-02-01T00:00:00.000Z',
      ),
    ).toEqual({ created: 0, updated: 1, unchanged: 0 });
    const second = await maps.getBoundaries('rgn', 2025);
    expect(second).not.toBe(first);
    expect(second[0]!.geometry).toEqual(square(-1.5, 55, 0.2));
    expect(second).toHaveLength(2);
  });

  it('availableLayers lists each layer and year with its count, and boundaryYear picks the year to draw a period with', async () => {
    await apply(bundle('ltla', 2019, [{ code: 'E07000001', name: 'Old district', geometry: square(0, 52) }]));
    await apply(
      bundle('ltla', 2023, [
        { code: 'E06000001', name: 'Hartlepool', geometry: square(-1.2, 54.6) },
        { code: 'E06000002', name: 'Middlesbrough', geometry: square(-1.2, 54.5) },
      ]),
    );
    const maps = servicesFor(db).maps;
    const layers = await maps.availableLayers();
    expect(layers.filter((l) => l.layer === 'ltla').map((l) => [l.year, l.features])).toEqual([
      [2019, 1],
      [2023, 2],
    ]);
    expect(await maps.boundaryYear('ltla', 2024)).toBe(2023);
    expect(await maps.boundaryYear('ltla', 2021)).toBe(2019);
    expect(await maps.boundaryYear('ltla', 2010)).toBe(2019);
    expect(await maps.boundaryYear('cauth', 2025)).toBeUndefined();
  });

  it('applyBoundaries refuses an unknown layer and a geometry that is not a polygon', async () => {
    await expect(apply(bundle('wards', 2025, []))).rejects.toThrow(/unknown boundary layer "wards"/);
    await expect(
      apply(bundle('cty', 2025, [{ code: 'E10000002', name: 'X', geometry: { type: 'Point', coordinates: [0, 0] } }])),
    ).rejects.toThrow(/not a Polygon or MultiPolygon/);
    expect(await servicesFor(db).maps.getBoundaries('cty', 2025)).toEqual([]);
  });
});
