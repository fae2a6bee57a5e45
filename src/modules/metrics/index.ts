import type { AppModule } from '../../platform/app-types.ts';
import type { MetricsService } from './service.ts';
import { metricsRoutes, type DataStamp } from './routes.ts';

export { createMetricsService, type DraftDefinition, type MetricDrafts, type MetricsService } from './service.ts';
export { TOPICS } from './definition.ts';
export { coverageOf, metricsByCodes, type EnglandFigure, type MetricPeriod } from './bulk.ts';

export const metricsModule: AppModule<{ metrics: MetricsService; stamp?: DataStamp }> = {
  name: 'metrics',
  register(app, { metrics, stamp }) {
    metricsRoutes(app, metrics, stamp);
  },
};
export type {
  Metric,
  MetricCategory,
  MetricDefinition,
  MetricSource,
  Polarity,
  StatisticsStatus,
  TopicId,
  UnitType,
} from './types.ts';
export { parseDerivation, type DerivationFormula, type MetricDerivation } from './derivation.ts';
export type { PeriodCoverage } from './repository.ts';
export {
  type MetricRowFields,
  changedFields,
  slugify,
  toMetricFields,
  validateMetricDefinition,
} from './definition.ts';
export { Source as MetricSourceSchema } from './schemas.ts';
export { outOfRange, unitRange, valueRangeOf, type ValueRange } from './range.ts';
export {
  betterThreshold,
  bestFirst,
  categoryAt,
  categoryCounts,
  categoryMove,
  categoryMovement,
  type CategoryMove,
  type CategoryMovement,
  type MovementCells,
  categoryLabel,
  isCategorical,
  type CategoryCount,
} from './categories.ts';
export { Category as CategorySchema } from './schemas.ts';
