/** Comparisons of a council with a group: statistics, ranks, quartiles, significance, direction of travel, sentences. */
import type { AppDeps, AppModule } from '../../platform/app-types.ts';
import { compareRoutes } from './routes.ts';
import { createCompareService } from './service.ts';

export { createCompareService, type Comparison, type CompareQuery, type CompareService, type MemberResult } from './service.ts';
export { comparisonCsvRows, COMPARE_CSV_COLUMNS } from './routes.ts';
export { directionOfTravel, trend, DEFAULT_TOLERANCE, type Direction, type DirectionResult, type PointValue, type TrendResult } from './direction.ts';
export { groupStatistics, memberPosition, memberPositions, median, quantileSorted, type GroupStatistics, type MemberPosition, type MemberValue } from './stats.ts';
export { positionSentence } from './sentences.ts';

export const compareModule: AppModule<AppDeps> = {
  name: 'compare',
  register(app, deps) {
    compareRoutes(app, createCompareService(deps.db));
  },
};
export { Comparison as ComparisonSchema } from './schemas.ts';
