import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import { topologyLayers, topologyProblem } from './topojson.ts';

const readJson = (relative: string) =>
  JSON.parse(readFileSync(sharedFile(relative), 'utf8')) as Record<string, unknown>;
const numbers = (g: unknown) =>
  JSON.stringify(g)
    .match(/-?\d+(\.\d+)?(e-?\d+)?/g)!
    .map(Number);

describe('TopoJSON reader', () => {
  it('decodes the real ONS topology into the shapes of the GeoJSON files derived from it', () => {
    const topo = readJson('boundaries/ons_uk_la_boundaries_2014_2025.topo.json');
    expect(topologyProblem(topo)).toBeUndefined();
    const layers = topologyLayers(topo);
    expect([...layers.keys()].sort()).toEqual(['cauth', 'ctry', 'cty', 'ltla', 'mcty', 'rgn', 'uk', 'utla']);
    for (const [layer, year] of [
      ['ltla', 2019],
      ['ltla', 2025],
      ['utla', 2019],
      ['cauth', 2025],
    ] as const) {
      const derived = readJson(`boundaries/england_${layer}_${year}.geojson`).features as {
        properties: { areacd: string };
        geometry: { type: string };
      }[];
      const inForce = layers
        .get(layer)!
        .filter(
          (f) =>
            String(f.properties.areacd).startsWith('E') &&
            Number(f.properties.start ?? 0) <= year &&
            year <= Number(f.properties.end ?? 9999),
        );
      expect(inForce.map((f) => f.properties.areacd).sort()).toEqual(derived.map((f) => f.properties.areacd).sort());
      const byCode = new Map(inForce.map((f) => [f.properties.areacd, f]));
      for (const d of derived) {
        const mine = byCode.get(d.properties.areacd)!;
        expect(mine.problem).toBeUndefined();
        expect(mine.geometry!.type).toBe(d.geometry.type);
        // The derived files keep 5 decimal places: every coordinate agrees to within that rounding.
        const a = numbers(mine.geometry!.coordinates);
        const b = numbers((d.geometry as unknown as { coordinates: unknown }).coordinates);
        expect(a.length).toBe(b.length);
        expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThanOrEqual(0.000005 + 1e-12);
      }
    }
  });

  it('stitches arcs into rings, reversing negative ones, and applies the transform', () => {
    // A square of two arcs, (0,0) (0,1) (1,1) and (0,0) (1,0) (1,1), the second reversed; scaled by 0.5 from (10,50).
    const topo = {
      type: 'Topology',
      transform: { scale: [0.5, 0.5], translate: [10, 50] },
      arcs: [
        [
          [0, 0],
          [0, 2],
          [2, 0],
        ],
        [
          [0, 0],
          [2, 0],
          [0, 2],
        ],
      ],
      objects: {
        a: {
          type: 'GeometryCollection',
          geometries: [
            { type: 'Polygon', arcs: [[0, -2]], properties: { areacd: 'E1' } },
            { type: 'Point', coordinates: [0, 0], properties: { areacd: 'E2' } },
            { type: 'Polygon', arcs: [[7]], properties: { areacd: 'E3' } },
          ],
        },
      },
    };
    const [square, point, missing] = topologyLayers(topo).get('a')!;
    expect(square!.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [10, 50],
          [10, 51],
          [11, 51],
          [11, 50],
          [10, 50],
        ],
      ],
    });
    expect(point!.problem).toBe('the geometry is a Point, not a Polygon or MultiPolygon');
    expect(missing!.problem).toBe('arc 7 does not exist or has fewer than two points');
    expect(topologyProblem({ type: 'FeatureCollection', features: [] })).toMatch(/not a TopoJSON Topology/);
    expect(topologyProblem({ type: 'Topology', arcs: [], objects: {}, transform: { scale: [1] } })).toMatch(
      /"transform" needs "scale" and "translate"/,
    );
  });
});
