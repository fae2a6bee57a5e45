/**
 * Comparisons of a council with a group: statistics, ranks, quartiles, significance, direction of travel, sentences.
 */
import type { AppModule } from '../../platform/app-types.ts';
import type { CompareService } from './service.ts';
import { compareRoutes } from './routes.ts';

export {
  createCompareService,
  type Comparison,
  type CompareQuery,
  type CompareService,
  type CellsOf,
  type GridSource,
  type MemberResult,
} from './service.ts';
export { gridCells } from './grid.ts';
export { createGroupMemo, type GroupMemo } from './comparison.ts';
export type { Planned } from './periods.ts';
export { comparisonCsvRows, comparisonCsvw, COMPARE_CSV, COMPARE_CSV_COLUMNS } from './csv.ts';
export {
  directionOfTravel,
  trend,
  DEFAULT_TOLERANCE,
  type Direction,
  type DirectionResult,
  type PointValue,
  type TrendResult,
} from './direction.ts';
export {
  groupStatistics,
  memberPosition,
  memberPositions,
  median,
  quantileSorted,
  type GroupStatistics,
  type MemberPosition,
  type MemberValue,
} from './stats.ts';
export { positionSentence } from './sentences.ts';

export const compareModule: AppModule<{ compare: CompareService }> = {
  name: 'compare',
  register(app, { compare }) {
    compareRoutes(app, compare);
  },
};
export { Comparison as ComparisonSchema } from './schemas.ts';
