/**
 * Value for money: spend per head beside each service's outcome measures, per council, against its group and England
 * (the mapping in value-for-money.json); the API (JSON, CSV, XLSX). The page and the embed are in the pages module.
 */
import type { AppModule } from '../../platform/app-types.ts';
import type { CompareService } from '../compare/index.ts';
import { valueRoutes } from './routes.ts';
import type { ValueForMoneyService } from './service.ts';

export {
  createValueForMoneyService,
  type ValueForMoneyService,
  type ValueFigure,
  type ValueProfile,
  type ValueScatter,
  type ValueService,
} from './service.ts';
export { defaultMapping, parseMapping, spendCode, type ValueMapping } from './mapping.ts';
export { MIN_COUNCILS } from './association.ts';

export const valueModule: AppModule<{ value: ValueForMoneyService; compare: CompareService }> = {
  name: 'value',
  register(app, { value, compare }) {
    valueRoutes(app, value, () => compare.lastModified());
  },
};
