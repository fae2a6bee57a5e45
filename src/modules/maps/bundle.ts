/** Boundary shapes of one layer (e.g. LTLA), each in force over a range of boundary years, for choropleth maps. */
export interface BoundaryBundle {
  /** ltla | utla | cty | rgn | cauth */
  layer: string;
  source: string;
  /**
   * GeoJSON geometries (WGS84) by GSS code, each with the first and last boundary year it is in force in (the same
   * year twice for a file of one year). A code may appear more than once, over years that do not overlap.
   */
  features: { code: string; name: string; geometry: unknown; from: number; to: number }[];
}
