/** Sector overview: direction of travel of baskets of key metrics, and transparent early-warning rules. */
import type { AppModule } from '../../platform/app-types.ts';
import type { SectorService } from './service.ts';
import type { EarlyWarning } from './early-warning.ts';
import type { ObservationsService } from '../observations/index.ts';
import { sectorRoutes } from './routes.ts';

export { createSectorService, DefinitionError, DEFAULT_BASKET, type SectorService } from './service.ts';
export {
  directionCsvRows,
  DIRECTION_CSV,
  DIRECTION_CSV_COLUMNS,
  everyCouncilCsvRows,
  EVERY_COUNCIL_CSV,
  EVERY_COUNCIL_CSV_COLUMNS,
} from './csv.ts';
export { createEarlyWarning, DEFAULT_RULES, type EarlyWarning, type ScreeningResult } from './early-warning.ts';
export type { BasketDefinitionT } from './definitions.ts';
export { aggregateEngland, aggregationTier, medianOfCouncils } from './aggregate.ts';

export const sectorModule: AppModule<{
  sector: SectorService;
  earlyWarning: EarlyWarning;
  observations: ObservationsService;
}> = {
  name: 'sector',
  register(app, { sector, earlyWarning, observations }) {
    sectorRoutes(app, sector, earlyWarning, () => observations.lastPublished());
  },
};
