import type { AppDeps, AppModule } from '../../platform/app-types.ts';
import { metricsRoutes } from './routes.ts';
import { createMetricsService } from './service.ts';

export { createMetricsService, toMetricDto, type MetricsService } from './service.ts';
export { TOPICS } from './definition.ts';
export { coverageOf, metricsByCodes, type EnglandFigure, type MetricPeriod } from './bulk.ts';

export const metricsModule: AppModule<AppDeps> = {
  name: 'metrics',
  register(app, deps) {
    metricsRoutes(app, createMetricsService(deps.db));
  },
};
export type { MetricDefinition, Polarity, StatisticsStatus, TopicId, UnitType } from './types.ts';
export { type MetricRowFields, changedFields, slugify, toMetricFields, validateMetricDefinition } from './definition.ts';
