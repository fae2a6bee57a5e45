import type { AppDeps, AppModule } from '../../platform/app-types.ts';
import { observationsRoutes } from './routes.ts';
import { createObservationsService } from './service.ts';

export { createObservationsService, CSV_COLUMNS, toCsvRecord, type ObservationsService, type ObservationDto } from './service.ts';
export * from './periods.ts';
export * from './status.ts';
export { observationColumns, columnsBuilder, columnsReader, VALUE, LCI, UCI, type ObservationColumns } from './columns.ts';
export { parsePeriodSelectors, selectPeriods, SelectorError, type AvailablePeriod, type PeriodSelector } from './selectors.ts';

export const observationsModule: AppModule<AppDeps> = {
  name: 'observations',
  register(app, deps) {
    observationsRoutes(app, createObservationsService(deps.db, { maxRows: deps.config.maxDataRows }));
  },
};
