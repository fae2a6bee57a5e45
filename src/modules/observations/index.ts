import type { AppModule } from '../../platform/app-types.ts';
import type { ObservationsService } from './service.ts';
import { observationsRoutes } from './routes.ts';

export {
  createObservationsService,
  type ObservationsService,
  type ObservationDto,
  type FigureMetric,
  type FigureRow,
} from './service.ts';
export {
  DEFAULT_DEFLATOR,
  isMoney,
  type Deflatable,
  type Deflation,
  type LoadedDeflator,
  type PricesQuery,
} from './real-terms.ts';
export { PricesParams } from './schemas.ts';
export { CSV_COLUMNS, OBSERVATION_CSV, observationsCsvw, toCsvRecord } from './csv.ts';
export {
  aggregateEngland,
  aggregateFigures,
  aggregateTotal,
  aggregationTier,
  amountTier,
  COMPUTED_NOTE,
  isComputedNote,
  medianOfCouncils,
  type Aggregate,
  type CouncilFigure,
} from './aggregate.ts';
export { figureFromCouncils, type AreaFigure, type NationalFigures } from './national.ts';
export * from './periods.ts';
export * from './status.ts';
export {
  observationColumns,
  columnsBuilder,
  columnsReader,
  VALUE,
  LCI,
  UCI,
  type ObservationColumns,
} from './columns.ts';
export {
  parsePeriodSelectors,
  selectPeriods,
  SelectorError,
  type AvailablePeriod,
  type PeriodSelector,
} from './selectors.ts';

export const observationsModule: AppModule<{ observations: ObservationsService }> = {
  name: 'observations',
  register(app, { observations }) {
    observationsRoutes(app, observations);
  },
};
