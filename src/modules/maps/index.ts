/**
 * Maps and charts: boundary shapes (stored by imports) and server-rendered SVG line charts, bar charts and choropleths.
 */
export {
  applyBoundaries,
  createMapsService,
  type BoundaryCounts,
  type BoundaryLayerInfo,
  type MapsService,
  type PeriodBoundaries,
} from './service.ts';
export {
  chooseVintage,
  periodVintages,
  vintageCandidates,
  vintageCaption,
  vintageOn,
  type VintageCandidates,
} from './vintage.ts';
export { topologyLayers, topologyProblem, type TopoFeature } from './topojson.ts';
export {
  BOUNDARY_LAYERS,
  geometryProblem,
  isBoundaryLayer,
  roundGeometry,
  type AreaGeometry,
  type BoundaryFeature,
  type BoundaryLayer,
} from './geometry.ts';
export {
  renderBarChart,
  renderLineChart,
  type Bar,
  type BarChartInput,
  type ChartPoint,
  type LineChartInput,
  type LineSeries,
} from './charts.ts';
export { renderScatterChart, type ScatterAxis, type ScatterChartInput, type ScatterPoint } from './scatter.ts';
export {
  CHOROPLETH_PALETTE,
  projectBoundaries,
  quantileClasses,
  renderChoropleth,
  type ChoroplethClass,
  type ChoroplethInput,
  type ProjectedPaths,
} from './choropleth.ts';
export {
  NARROW_WIDTH,
  responsiveBarChart,
  responsiveChoropleth,
  responsiveLineChart,
  responsiveScatterChart,
} from './responsive.ts';
export { formatValue } from './svg.ts';
export type { BoundaryBundle } from './bundle.ts';
