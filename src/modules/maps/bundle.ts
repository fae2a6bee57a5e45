/** Boundary shapes for one layer and year (e.g. LTLA 2025), for choropleth maps. */
export interface BoundaryBundle {
  /** ltla | utla | cty | rgn | cauth */
  layer: string;
  year: number;
  source: string;
  /** GeoJSON geometries (WGS84) keyed by GSS code. */
  features: { code: string; name: string; geometry: unknown }[];
}
