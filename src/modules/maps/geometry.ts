import type { MultiPolygon, Polygon, Position } from 'geojson';

export type AreaGeometry = Polygon | MultiPolygon;

/** A boundary as the charts take it. */
export interface BoundaryFeature {
  code: string;
  name: string;
  geometry: AreaGeometry;
}

const round4 = (n: number) => Math.round(n * 1e4) / 1e4;

function roundRing(ring: Position[]): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const q: Position = [round4(p[0]!), round4(p[1]!)];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  return out;
}

function roundPolygon(rings: Position[][]): Position[][] | null {
  const out: Position[][] = [];
  for (const [i, ring] of rings.entries()) {
    const r = roundRing(ring);
    // A closed ring needs at least four positions; one that rounding collapsed is dropped (with its polygon if
    // exterior).
    if (r.length < 4) {
      if (i === 0) return null;
      continue;
    }
    out.push(r);
  }
  return out;
}

/**
 * Rounds coordinates to 4 decimal places (about 10 m, plenty for choropleths), removing points that become repeats
 * and rings that collapse. A geometry that would vanish entirely is kept with rounding only.
 */
export function roundGeometry(g: AreaGeometry): AreaGeometry {
  if (g.type === 'Polygon') {
    const p = roundPolygon(g.coordinates);
    return {
      type: 'Polygon',
      coordinates: p ?? g.coordinates.map((r) => r.map((q) => [round4(q[0]!), round4(q[1]!)])),
    };
  }
  const polys = g.coordinates.map(roundPolygon).filter((p): p is Position[][] => p !== null);
  if (polys.length === 0)
    return {
      type: 'MultiPolygon',
      coordinates: g.coordinates.map((p) => p.map((r) => r.map((q) => [round4(q[0]!), round4(q[1]!)]))),
    };
  return polys.length === 1
    ? { type: 'Polygon', coordinates: polys[0]! }
    : { type: 'MultiPolygon', coordinates: polys };
}

/** Stable text form of a geometry, compared to decide whether a boundary changed. */
export const geometryText = (g: AreaGeometry): string => JSON.stringify({ type: g.type, coordinates: g.coordinates });

/** Boundary layers: lower and upper tier councils, counties, regions, combined authorities. */
export const BOUNDARY_LAYERS = ['ltla', 'utla', 'cty', 'rgn', 'cauth'] as const;
export type BoundaryLayer = (typeof BOUNDARY_LAYERS)[number];
export const isBoundaryLayer = (s: string): s is BoundaryLayer => (BOUNDARY_LAYERS as readonly string[]).includes(s);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function ringProblem(ring: unknown): string | undefined {
  if (!Array.isArray(ring) || ring.length < 4) return 'a ring has fewer than four positions';
  for (const p of ring) {
    if (
      !Array.isArray(p) ||
      p.length < 2 ||
      typeof p[0] !== 'number' ||
      typeof p[1] !== 'number' ||
      !Number.isFinite(p[0]) ||
      !Number.isFinite(p[1])
    ) {
      return `a position is not a [longitude, latitude] pair of numbers: ${JSON.stringify(p)?.slice(0, 60)}`;
    }
    if (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) {
      return `position [${p[0]}, ${p[1]}] is not a WGS84 longitude and latitude (projected coordinates such as British National Grid are not accepted)`;
    }
  }
  return undefined;
}

const polygonProblem = (rings: unknown): string | undefined =>
  !Array.isArray(rings) || rings.length === 0
    ? 'a polygon has no rings'
    : rings.map(ringProblem).find((p) => p !== undefined);

/** Checks that a value is a GeoJSON Polygon or MultiPolygon in WGS84; returns what is wrong, or undefined. */
export function geometryProblem(g: unknown): string | undefined {
  if (!isRecord(g)) return 'the geometry is missing';
  if (g.type === 'Polygon') return polygonProblem(g.coordinates);
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return 'the MultiPolygon has no polygons';
    return g.coordinates.map(polygonProblem).find((p) => p !== undefined);
  }
  return `the geometry is a ${typeof g.type === 'string' ? g.type : 'value without a type'}, not a Polygon or MultiPolygon`;
}

export function asAreaGeometry(g: unknown): AreaGeometry {
  const problem = geometryProblem(g);
  if (problem) throw new TypeError(problem);
  return g as AreaGeometry;
}
