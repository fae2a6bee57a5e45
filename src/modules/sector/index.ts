/** Sector overview: direction of travel of baskets of key metrics, and transparent early-warning rules. */
import type { AppDeps, AppModule } from '../../platform/app-types.ts';
import { createObservationsService } from '../observations/index.ts';
import { sectorRoutes } from './routes.ts';
import { createSectorService } from './service.ts';
import { createEarlyWarning } from './early-warning.ts';

export { createSectorService, DefinitionError, DEFAULT_BASKET, type SectorService } from './service.ts';
export { directionCsvRows, DIRECTION_CSV_COLUMNS, everyCouncilCsvRows, EVERY_COUNCIL_CSV_COLUMNS } from './routes.ts';
export { createEarlyWarning, DEFAULT_RULES, type EarlyWarning, type ScreeningResult } from './early-warning.ts';
export type { BasketDefinitionT } from './definitions.ts';

export const sectorModule: AppModule<AppDeps> = {
  name: 'sector',
  register(app, deps) {
    const obs = createObservationsService(deps.db, { maxRows: deps.config.maxDataRows });
    const sector = createSectorService(deps.db);
    sectorRoutes(app, sector, createEarlyWarning(deps.db, sector), () => obs.lastPublished());
  },
};
