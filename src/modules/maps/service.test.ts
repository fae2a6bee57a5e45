import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { withTransaction } from '../../platform/transaction.ts';
import type { BoundaryBundle } from './bundle.ts';
import { applyBoundaries, projectBoundaries } from './index.ts';
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
type Feature = Omit<BoundaryBundle['features'][number], 'from' | 'to'> & { from?: number; to?: number };
/** A bundle of one year, unless a feature gives its own years. */
const bundle = (layer: string, year: number, features: Feature[]): BoundaryBundle => ({
  layer,
  source: 'test',
  features: features.map((f) => ({ from: year, to: year, ...f })),
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

  it('availableLayers lists each layer and year with its count, and boundariesForPeriod picks the vintage of a period', async () => {
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
    const fy = (y: number) => ({ start: `${y}-04-01`, end: `${y + 1}-03-31` });
    const pick = async (period: { start: string; end: string }, figures: string[] = []) => {
      const b = await maps.boundariesForPeriod('ltla', period, figures);
      return b && [b.year, b.wanted, b.wantedStored, b.features.map((f) => f.code), b.notDrawn];
    };
    expect(await pick(fy(2023), ['E06000001', 'E07000001'])).toEqual([
      2023,
      2023,
      true,
      ['E06000001', 'E06000002'],
      ['E07000001'],
    ]);
    // 2021/22 is not stored: the years either side are weighed by the councils with figures, the earlier on a tie.
    expect(await pick(fy(2021))).toEqual([2019, 2021, false, ['E07000001'], []]);
    expect(await pick(fy(2021), ['E06000001'])).toEqual([2023, 2021, false, ['E06000001', 'E06000002'], []]);
    // Before the first stored year, the first; a calendar year across April 2023 on whichever has its councils.
    expect((await pick(fy(2010)))?.[0]).toBe(2019);
    expect((await pick({ start: '2023-01-01', end: '2023-12-31' }, ['E06000002']))?.[0]).toBe(2023);
    expect(await maps.boundariesForPeriod('cauth', fy(2025), [])).toBeUndefined();
  });

  it('keeps each distinct shape once with its years: a year put inside a range splits it, an equal one joins it', async () => {
    const maps = servicesFor(db).maps;
    const ranges = async () =>
      (
        await db.kysely
          .selectFrom('boundary_shapes')
          .select(['year_from', 'year_to', 'name'])
          .where('layer', '=', 'utla')
          .where('code', '=', 'E10000003')
          .orderBy('year_from')
          .execute()
      ).map((r) => [Number(r.year_from), Number(r.year_to), r.name]);
    const shire = (name = 'Shire', d = 0.1) => ({ code: 'E10000003', name, geometry: square(0, 52, d) });
    expect(await apply(bundle('utla', 0, [{ ...shire(), from: 2014, to: 2025 }]))).toEqual({
      created: 1,
      updated: 0,
      unchanged: 0,
    });
    expect(await ranges()).toEqual([[2014, 2025, 'Shire']]);
    expect(await apply(bundle('utla', 2019, [shire()]))).toEqual({ created: 0, updated: 0, unchanged: 1 });
    expect(await apply(bundle('utla', 2019, [shire('Shire', 0.2)]))).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(await ranges()).toEqual([
      [2014, 2018, 'Shire'],
      [2019, 2019, 'Shire'],
      [2020, 2025, 'Shire'],
    ]);
    expect((await maps.getBoundaries('utla', 2019))[0]!.geometry).toEqual(square(0, 52, 0.2));
    expect((await maps.getBoundaries('utla', 2020))[0]!.geometry).toEqual(square(0, 52));
    // Putting the first shape back joins the three ranges into one again; a later year is added to it.
    expect(await apply(bundle('utla', 2019, [shire()]))).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(await apply(bundle('utla', 2026, [shire()]))).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(await ranges()).toEqual([[2014, 2026, 'Shire']]);
    expect(await apply(bundle('utla', 2025, [shire('Shire Council')]))).toMatchObject({ updated: 1 });
    expect(await ranges()).toEqual([
      [2014, 2024, 'Shire'],
      [2025, 2025, 'Shire Council'],
      [2026, 2026, 'Shire'],
    ]);
    expect((await maps.availableLayers()).filter((l) => l.layer === 'utla').map((l) => l.year)).toEqual([
      2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026,
    ]);
  });

  it('applyBoundaries refuses an unknown layer and a geometry that is not a polygon', async () => {
    await expect(apply(bundle('wards', 2025, []))).rejects.toThrow(/unknown boundary layer "wards"/);
    await expect(
      apply(bundle('cty', 2025, [{ code: 'E10000002', name: 'X', geometry: { type: 'Point', coordinates: [0, 0] } }])),
    ).rejects.toThrow(/not a Polygon or MultiPolygon/);
    expect(await servicesFor(db).maps.getBoundaries('cty', 2025)).toEqual([]);
  });

  it('keeps the projected paths of a boundary set and projects them again after a boundary import', async () => {
    const maps = servicesFor(db).maps;
    const fy = { start: '2020-04-01', end: '2021-03-31' };
    await apply(
      bundle('cty', 2020, [
        { code: 'E10000002', name: 'Buckinghamshire', geometry: square(-0.8, 51.8) },
        { code: 'E10000003', name: 'Cambridgeshire', geometry: square(0.1, 52.3) },
      ]),
    );
    const first = await maps.projectedBoundaries('cty', 2020);
    expect(first.features).toHaveLength(2);
    expect(first.features[0]).toMatch(/^M[\d.]+ [\d.]+l/);
    // The same set: the very paths kept, and the same ones a period's map is handed.
    expect(await maps.projectedBoundaries('cty', 2020)).toBe(first);
    expect((await maps.boundariesForPeriod('cty', fy, []))?.paths).toBe(first);
    expect(first).toEqual(projectBoundaries(await maps.getBoundaries('cty', 2020)));

    // An import changes one shape: the paths are projected again from the new shapes.
    await apply(
      bundle('cty', 2020, [{ code: 'E10000003', name: 'Cambridgeshire', geometry: square(0.1, 52.3, 0.3) }]),
      '2026-03-01T00:00:00.000Z',
    );
    const second = await maps.projectedBoundaries('cty', 2020);
    expect(second).not.toBe(first);
    expect(second.features[1]).not.toBe(first.features[1]);
    expect(second).toEqual(projectBoundaries(await maps.getBoundaries('cty', 2020)));
    expect((await maps.boundariesForPeriod('cty', fy, []))?.paths).toBe(second);
  });
});
