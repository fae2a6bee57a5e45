/**
 * Boundary shapes for choropleth maps: one row per distinct shape of an area in a layer (ltla, utla, cty, rgn, cauth),
 * with the boundary years it is in force in. The boundaries of vintage Y are those in force from 1 April Y.
 */
export interface BoundaryShapesTable {
  layer: string;
  /** GSS code. */
  code: string;
  /** First and last boundary year (inclusive) this shape and name are in force in; ranges of a code never overlap. */
  year_from: number;
  year_to: number;
  name: string;
  /** A GeoJSON Polygon or MultiPolygon (WGS84), coordinates rounded to 4 decimal places, as JSON text. */
  geometry: string;
  source: string | null;
  import_id: number | null;
  updated_at: string;
}

export interface MapsTables {
  boundary_shapes: BoundaryShapesTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends MapsTables {}
}
