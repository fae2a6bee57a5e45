import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import { applyBoundaries } from '../../maps/index.ts';
import { runImport } from '../service.ts';
import { boundariesAdapter } from './boundaries.ts';
import { NOT_IN_GEOGRAPHY } from './boundaries-topojson.ts';
import { servicesFor } from '../../../app/services.ts';

describe('boundaries adapter', () => {
  let db: TestDb;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    dir = mkdtempSync(path.join(os.tmpdir(), 'sli-boundaries-'));
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const importFiles = (files: string[]) =>
    runImport(db, { adapter: boundariesAdapter, files, publish: true, applyBoundaries });
  const write = (name: string, content: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, content);
    return f;
  };
  const countRows = async (layer: string, year: number) =>
    (await servicesFor(db).maps.getBoundaries(layer, year)).length;

  it('imports the real 2025 LTLA and UTLA boundaries, one bundle per file, and a second import changes nothing', async () => {
    const files = [
      sharedFile('boundaries/england_ltla_2025.geojson'),
      sharedFile('boundaries/england_utla_2025.geojson'),
    ];
    const first = await importFiles(files);
    expect(first.errors).toEqual([]);
    expect(first.state).toBe('published');
    expect(first.boundaries).toEqual({ created: 296 + 153, updated: 0, unchanged: 0 });
    expect(await countRows('ltla', 2025)).toBe(296);
    expect(await countRows('utla', 2025)).toBe(153);

    const again = await importFiles(files);
    expect(again.state).toBe('unchanged');
    expect(again.boundaries).toEqual({ created: 0, updated: 0, unchanged: 449 });
    expect(again.message).toMatch(/Nothing changed.*449 boundaries/);
  });

  it('imports the 2019 LTLA boundaries beside the 2025 ones, keyed by year', async () => {
    const r = await importFiles([sharedFile('boundaries/england_ltla_2019.geojson')]);
    expect(r.boundaries).toEqual({ created: 317, updated: 0, unchanged: 0 });
    expect(await countRows('ltla', 2019)).toBe(317);
    expect(await countRows('ltla', 2025)).toBe(296);
    const layers = await servicesFor(db).maps.availableLayers();
    expect(layers.map((l) => [l.layer, l.year, l.features])).toEqual([
      ['ltla', 2019, 317],
      ['ltla', 2025, 296],
      ['utla', 2025, 153],
    ]);
  });

  it('stores coordinates rounded to 4 decimal places and counts a changed shape as updated', async () => {
    const square = (d: number) => [
      [
        [-1, 52],
        [-1, 52 + d],
        [-1 + d, 52 + d],
        [-1 + d, 52],
        [-1, 52],
      ],
    ];
    const doc = (d: number, name = 'Testshire') =>
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { areacd: 'E10000002', areanm: name },
            geometry: { type: 'Polygon', coordinates: square(d) },
          },
        ],
      });
    const f = write('test_cty_2030.geojson', doc(0.123456));
    expect((await importFiles([f])).boundaries).toEqual({ created: 1, updated: 0, unchanged: 0 });
    const row = await db.kysely
      .selectFrom('boundary_shapes')
      .selectAll()
      .where('code', '=', 'E10000002')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ layer: 'cty', name: 'Testshire', source: 'test_cty_2030.geojson' });
    expect([Number(row.year_from), Number(row.year_to)]).toEqual([2030, 2030]);
    expect(JSON.parse(row.geometry)).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [-1, 52],
          [-1, 52.1235],
          [-0.8765, 52.1235],
          [-0.8765, 52],
          [-1, 52],
        ],
      ],
    });
    // A difference below the rounding is no change; one above it is.
    expect((await importFiles([write('test_cty_2030.geojson', doc(0.1234561))])).state).toBe('unchanged');
    expect((await importFiles([write('test_cty_2030.geojson', doc(0.2))])).boundaries).toEqual({
      created: 0,
      updated: 1,
      unchanged: 0,
    });
    expect((await importFiles([write('test_cty_2030.geojson', doc(0.2, 'Testshire & Wold'))])).boundaries).toEqual({
      created: 0,
      updated: 1,
      unchanged: 0,
    });
  });

  it('rejects a file that is not JSON, naming the line and column, and writes nothing', async () => {
    const f = write(
      'bad_rgn_2031.geojson',
      '{"type": "FeatureCollection",\n "features": [\n  {"type": "Feature",, "properties": {}}\n ]}\n',
    );
    const r = await importFiles([f]);
    expect(r.state).toBe('rejected');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.at).toMatchObject({ line: 3 });
    expect(r.errors[0]!.at.file).toMatch(/bad_rgn_2031\.geojson$/);
    expect(r.errors[0]!.message).toMatch(/not valid JSON.*line 3, column 22/);
    const csv = await importFiles([write('notjson_rgn_2031.geojson', 'areacd,areanm\nE12000001,North East\n')]);
    expect(csv.errors[0]!.message).toBe(
      "this is not valid JSON (GeoJSON expected): Unexpected token 'a' at line 1, column 1",
    );
    const token = await importFiles([
      write('token_rgn_2031.geojson', '{\n "type": "FeatureCollection",\n "features": [nope]\n}\n'),
    ]);
    expect(token.errors[0]!.message).toMatch(/Unexpected token 'o' at line 3, column 16$/);
    expect(token.errors[0]!.at.line).toBe(3);
    expect(await countRows('rgn', 2031)).toBe(0);
  });

  it('rejects features without an area code or with a geometry that is not a polygon, naming each feature', async () => {
    const poly = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 51],
          [0, 51.1],
          [0.1, 51.1],
          [0, 51],
        ],
      ],
    };
    const features = [
      { type: 'Feature', properties: { areacd: 'E12000001', areanm: 'North East' }, geometry: poly },
      { type: 'Feature', properties: { areanm: 'Nowhere' }, geometry: poly },
      {
        type: 'Feature',
        properties: { areacd: 'E12000003', areanm: 'Yorkshire' },
        geometry: { type: 'Point', coordinates: [0, 51] },
      },
      {
        type: 'Feature',
        properties: { areacd: 'E12000004', areanm: 'East Midlands' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [450000, 300000],
              [450000, 310000],
              [460000, 310000],
              [450000, 300000],
            ],
          ],
        },
      },
      { type: 'Feature', properties: { areacd: 'E12000001', areanm: 'North East again' }, geometry: poly },
    ];
    const f = write(
      'bad_rgn_2032.geojson',
      `{"type": "FeatureCollection", "features": [\n${features.map((x) => JSON.stringify(x)).join(',\n')}\n]}`,
    );
    const r = await importFiles([f]);
    expect(r.state).toBe('rejected');
    expect(r.errors.map((e) => [e.at.line, e.field])).toEqual([
      [3, 'features[1].properties.areacd'],
      [4, 'features[2].geometry'],
      [5, 'features[3].geometry'],
      [6, 'features[4].properties.areacd'],
    ]);
    expect(r.errors[0]!.message).toMatch(/^feature 2: has no properties\.areacd/);
    expect(r.errors[1]!.message).toMatch(
      /^feature 3 \(E12000003\): the geometry is a Point, not a Polygon or MultiPolygon/,
    );
    expect(r.errors[2]!.message).toMatch(/feature 4 \(E12000004\).*not a WGS84 longitude and latitude/);
    expect(r.errors[3]!.message).toMatch(/E12000001 appears twice in this file, also as feature 1/);
    expect(await countRows('rgn', 2032)).toBe(0);
  });

  it('leaves out and counts a feature of an area the geography does not hold', async () => {
    const square = [
      [
        [0, 51],
        [0, 51.1],
        [0.1, 51.1],
        [0, 51],
      ],
    ];
    const feature = (areacd: string, areanm: string) => ({
      type: 'Feature',
      properties: { areacd, areanm },
      geometry: { type: 'Polygon', coordinates: square },
    });
    const f = write(
      'unknown_rgn_2034.geojson',
      JSON.stringify({
        type: 'FeatureCollection',
        features: [feature('E12000006', 'East of England'), feature('E12000099', 'Nowhere')],
      }),
    );
    const r = await importFiles([f]);
    expect(r.errors).toEqual([]);
    expect(r.boundaries).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(r.skipped).toEqual({ [NOT_IN_GEOGRAPHY]: 1 });
    expect((await servicesFor(db).maps.getBoundaries('rgn', 2034)).map((b) => b.code)).toEqual(['E12000006']);
  });

  it('refuses a file whose name does not give the layer and year, saying what the name should be', async () => {
    const f = write('boundaries.geojson', JSON.stringify({ type: 'FeatureCollection', features: [] }));
    const r = await importFiles([f]);
    expect(r.state).toBe('rejected');
    expect(r.errors[0]!.message).toMatch(
      /cannot tell the boundary layer and year from the file name: name it <name>_<layer>_<year>\.geojson, where <layer> is one of ltla, utla, cty, rgn, cauth/,
    );
    const notCollection = await importFiles([write('x_ltla_2033.geojson', JSON.stringify({ type: 'Feature' }))]);
    expect(notCollection.errors[0]!.message).toMatch(/not a GeoJSON FeatureCollection/);
  });
});
