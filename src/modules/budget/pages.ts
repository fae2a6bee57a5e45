import type { App } from '../../platform/app-types.ts';
import type { BudgetService } from './service.ts';
export function budgetPages(_app: App, _budget: BudgetService, _secure: boolean): void {}
