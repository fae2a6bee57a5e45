/**
 * The resident budget simulator: councils set one up from their own published spend (pre-fill) or a definition file,
 * residents balance the budget on GOV.UK-patterned pages without JavaScript, analysts read a dashboard and a tidy CSV.
 */
import type { AppModule } from '../../platform/app-types.ts';
import type { BudgetService } from './service.ts';
import { budgetPages } from './pages.ts';
import { budgetReviewPages } from './review-pages.ts';
import { budgetRoutes } from './routes.ts';
import { budgetEditPages } from './edit-pages.ts';
import { budgetPopulationPages } from './population-pages.ts';
import { budgetSetupPages } from './setup-pages.ts';

export { createBudgetService, canSee, canSetUp, type BudgetService } from './service.ts';
export {
  definitionFromFile,
  definitionJson,
  definitionXlsx,
  definitionFromJson,
  definitionFromXlsx,
} from './exchange.ts';
export { computeBudget, flatItems, formatPounds, validateDefinition, type Definition } from './model.ts';
export { LONG_CSV } from './results.ts';

export const budgetModule: AppModule<{ budget: BudgetService; cookieSecure: boolean }> = {
  name: 'budget',
  register(app, { budget, cookieSecure }) {
    budgetRoutes(app, budget);
    budgetPages(app, budget, cookieSecure);
    budgetReviewPages(app, budget);
    budgetSetupPages(app, budget, cookieSecure);
    budgetEditPages(app, budget);
    budgetPopulationPages(app, budget);
  },
};
