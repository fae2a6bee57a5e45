/** Areas: English councils and their geography over time (types, parents, names, predecessors and successors). */
import type { AppModule } from '../../platform/app-types.ts';
import type { AreasService } from './service.ts';
import { areasRoutes } from './routes.ts';

export { applyGeography, type GeographyCounts } from './apply.ts';
export {
  combine,
  Lineage,
  lineageProblems,
  RATE_SCALES,
  type Derivation,
  type DerivedFigure,
  type FigurePoint,
  type FigureSource,
  type LineageArea,
  type LineageAreaRow,
  type LineageLinkRow,
  type LineageMetric,
} from './lineage.ts';
export {
  AreaNameIndex,
  areaField,
  nameKey,
  nameWithCode,
  typedCode,
  type AreaField,
  type NamedArea,
  type NameMatch,
} from './names.ts';
export {
  createAreasService,
  parseAt,
  GEOGRAPHY_LICENCE,
  type AreaChild,
  type AreaChoice,
  type AreaMatch,
  type AreaDetail,
  type AreaLink,
  type AreaList,
  type AreaRef,
  type AreasService,
  type AreaSummary,
  type FindAreasQuery,
  type LiveArea,
  type ResolvedArea,
} from './service.ts';
export {
  AREA_TYPES,
  COUNCIL_TYPES,
  isCouncilService,
  listWords,
  typesInWords,
  isIsoDate,
  today,
  typeInfo,
  typePrefixes,
  type AreaType,
  type Status,
  type Tier,
} from './types.ts';

export const areasModule: AppModule<{ areas: AreasService }> = {
  name: 'areas',
  register(app, { areas }) {
    areasRoutes(app, areas);
  },
};
export type { AreaParentRecord, AreaRecord, AreaSuccessionRecord, GeographyBundle } from './bundle.ts';
export { FigureSourceSchema } from './schemas.ts';
export { councilDirectory, type Council, type CouncilDirectory, type Councils } from './councils.ts';
