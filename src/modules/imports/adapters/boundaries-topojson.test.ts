import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import { servicesFor } from '../../../app/services.ts';
import { applyBoundaries } from '../../maps/index.ts';
import { runImport } from '../service.ts';
import { boundariesAdapter } from './boundaries.ts';
import { NOT_IN_GEOGRAPHY } from './boundaries-topojson.ts';

const TOPO = 'boundaries/ons_uk_la_boundaries_2014_2025.topo.json';

/** A small topology: one arc per square, quantised on a 0.01 degree grid from (-2, 52). */
function topology(objects: Record<string, { type: string; arcs?: unknown; properties: Record<string, unknown> }[]>) {
  let arcs = 0;
  const square = () => [
    [0, 0],
    [0, 10],
    [10, 0],
    [0, -10],
    [-10, 0],
  ];
  const all: unknown[] = [];
  const layers = Object.fromEntries(
    Object.entries(objects).map(([name, geometries]) => [
      name,
      {
        type: 'GeometryCollection',
        geometries: geometries.map((g) => {
          if (g.arcs !== undefined) return g;
          all.push(square());
          return { ...g, arcs: [[arcs++]] };
        }),
      },
    ]),
  );
  return JSON.stringify({
    type: 'Topology',
    transform: { scale: [0.01, 0.01], translate: [-2, 52] },
    arcs: all,
    objects: layers,
  });
}

describe('boundaries adapter: the TopoJSON of every year', () => {
  let db: TestDb;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    dir = mkdtempSync(path.join(os.tmpdir(), 'sli-topojson-'));
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

  it('imports the real ONS TopoJSON: every English area in force in each year 2014 to 2025, each shape stored once', async () => {
    const r = await importFiles([sharedFile(TOPO)]);
    expect(r.errors).toEqual([]);
    expect(r.state).toBe('published');
    // 340 districts and unitaries, 163 upper tiers, 27 counties, 9 regions and 18 combined authorities ever in force.
    expect(r.boundaries).toEqual({ created: 557, updated: 0, unchanged: 0 });
    expect(r.skipped).toEqual({
      'features outside England': 139,
      'features of layers not drawn on maps (ctry, mcty, uk)': 11,
    });
    const stored = Number(
      (
        await db.kysely
          .selectFrom('boundary_shapes')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(stored).toBe(557);
    const maps = servicesFor(db).maps;
    const count = new Map((await maps.availableLayers()).map((l) => [`${l.layer}/${l.year}`, l.features]));
    expect([...new Set([...count.keys()].map((k) => k.split('/')[0]))].sort()).toEqual([
      'cauth',
      'cty',
      'ltla',
      'rgn',
      'utla',
    ]);
    expect([...count.keys()].filter((k) => k.startsWith('ltla/')).length).toBe(12);
    // As many areas as the GeoJSON files derived from the same topology for their years.
    expect(
      ['ltla/2019', 'ltla/2025', 'utla/2019', 'utla/2025', 'rgn/2025', 'cty/2025', 'cauth/2025'].map((k) =>
        count.get(k),
      ),
    ).toEqual([317, 296, 151, 153, 9, 21, 15]);
    // Each year's districts and unitaries are the councils the geography says were live on 1 April of that year.
    const areas = servicesFor(db).areas;
    for (let year = 2019; year <= 2025; year++) {
      const live = await areas.liveAreas({ types: ['E06', 'E07', 'E08', 'E09'] }, `${year}-04-01`);
      const drawn = (await maps.getBoundaries('ltla', year)).map((f) => f.code);
      expect(drawn, String(year)).toEqual(live.map((a) => a.code).sort());
    }
    const again = await importFiles([sharedFile(TOPO)]);
    expect(again.state).toBe('unchanged');
    expect(again.boundaries).toEqual({ created: 0, updated: 0, unchanged: 557 });
  });

  it('leaves out and counts features outside England, of other layers and of areas not in the geography', async () => {
    const f = write(
      'test_2030_2031.topo.json',
      topology({
        ltla: [
          { type: 'Polygon', properties: { areacd: 'E06000001', areanm: 'Hartlepool', start: 2031 } },
          { type: 'Polygon', properties: { areacd: 'E06999999', areanm: 'Nowhere' } },
          { type: 'Polygon', properties: { areacd: 'W06000001', areanm: 'Isle of Anglesey' } },
        ],
        wards: [{ type: 'Polygon', properties: { areacd: 'E05000001', areanm: 'A ward' } }],
      }),
    );
    const r = await importFiles([f]);
    expect(r.errors).toEqual([]);
    expect(r.boundaries).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(r.skipped).toEqual({
      [NOT_IN_GEOGRAPHY]: 1,
      'features outside England': 1,
      'features of layers not drawn on maps (wards)': 1,
    });
    const maps = servicesFor(db).maps;
    expect(await maps.getBoundaries('ltla', 2030)).toEqual([]);
    expect((await maps.getBoundaries('ltla', 2031)).map((b) => b.geometry)).toEqual([
      {
        type: 'Polygon',
        coordinates: [
          [
            [-2, 52],
            [-2, 52.1],
            [-1.9, 52.1],
            [-1.9, 52],
            [-2, 52],
          ],
        ],
      },
    ]);
  });

  it('refuses bad years, an area in force twice in a year, broken arcs and a name without years, writing nothing', async () => {
    const r = await importFiles([
      write(
        'bad_2032_2033.topo.json',
        topology({
          utla: [
            { type: 'Polygon', properties: { areacd: 'E06000001', areanm: 'Hartlepool', start: 2033, end: 2032 } },
            { type: 'Polygon', properties: { areacd: 'E06000002', areanm: 'Middlesbrough', end: 2032 } },
            { type: 'Polygon', properties: { areacd: 'E06000002', areanm: 'Middlesbrough', start: 2032 } },
            { type: 'Polygon', arcs: [[99]], properties: { areacd: 'E06000003', areanm: 'Redcar and Cleveland' } },
            { type: 'Polygon', properties: { areacd: 'E06000004', areanm: 'Stockton-on-Tees', start: 'soon' } },
          ],
        }),
      ),
    ]);
    expect(r.state).toBe('rejected');
    expect(r.errors.map((e) => [e.field, e.message])).toEqual([
      [
        'objects.utla.geometries[0].properties.end',
        'utla feature 1 (E06000001): start and end must be years, start no later than end (start 2033, end 2032)',
      ],
      [
        'objects.utla.geometries[2].properties.areacd',
        'utla feature 3 (E06000002): E06000002 is in force in 2032 twice in this layer, also as feature 2',
      ],
      [
        'objects.utla.geometries[3].arcs',
        'utla feature 4 (E06000003): arc 99 does not exist or has fewer than two points',
      ],
      [
        'objects.utla.geometries[4].properties.start',
        'utla feature 5 (E06000004): start and end must be years, start no later than end (start "soon", end undefined)',
      ],
    ]);
    expect(await servicesFor(db).maps.getBoundaries('utla', 2032)).toEqual([]);
    const unnamed = await importFiles([write('boundaries.topo.json', topology({}))]);
    expect(unnamed.errors[0]!.message).toMatch(
      /cannot tell the years the boundaries cover from the file name: name it <name>_<first year>_<last year>\.topo\.json/,
    );
    const notTopo = await importFiles([write('x_2034_2035.topo.json', JSON.stringify({ type: 'FeatureCollection' }))]);
    expect(notTopo.errors[0]!.message).toMatch(/not a TopoJSON Topology/);
  });

  it('refuses either format when the geography holds none of its areas, saying to import the geography first', async () => {
    const empty = await createTestDb();
    try {
      for (const [file, n] of [
        [TOPO, 557],
        ['boundaries/england_utla_2025.geojson', 153],
      ] as const) {
        const r = await runImport(empty, {
          adapter: boundariesAdapter,
          files: [sharedFile(file)],
          publish: true,
          applyBoundaries,
        });
        expect(r.state).toBe('rejected');
        expect(r.errors.map((e) => e.message)).toEqual([
          `none of the file's ${n} English areas is in the geography: import the geography first (sli import areas-vintages)`,
        ]);
      }
      expect(await servicesFor(empty).maps.availableLayers()).toEqual([]);
    } finally {
      await empty.drop();
    }
  });
});
