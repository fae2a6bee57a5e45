/** Boundary shapes for choropleth maps: one row per area, layer (ltla, utla, cty, rgn, cauth) and boundary year. */
export interface AreaBoundariesTable {
  layer: string;
  year: number;
  /** GSS code. */
  code: string;
  name: string;
  /** A GeoJSON Polygon or MultiPolygon (WGS84), coordinates rounded to 4 decimal places, as JSON text. */
  geometry: string;
  source: string | null;
  import_id: number | null;
  updated_at: string;
}

export interface MapsTables {
  area_boundaries: AreaBoundariesTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends MapsTables {}
}
