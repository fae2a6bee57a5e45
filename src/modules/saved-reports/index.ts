/** Saved reports: registered users' report definitions, re-computed from the published data on every view; pages and embeds. */
import type { AppDeps, AppModule } from '../../platform/app-types.ts';
import { createBuilder } from './builder.ts';
import { savedReportsPages } from './pages.ts';
import { savedReportsRoutes } from './routes.ts';
import { createSavedReportsService } from './service.ts';

export { createSavedReportsService, type SavedReportsService } from './service.ts';
export { pearson, spearman } from './correlation.ts';

export const savedReportsModule: AppModule<AppDeps> = {
  name: 'saved-reports',
  register(app, deps) {
    const service = createSavedReportsService(deps.db);
    savedReportsRoutes(app, service);
    savedReportsPages(app, service, createBuilder(deps.db));
  },
};
