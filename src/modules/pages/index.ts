/** The public pages (GOV.UK Design System): home and council search, council page, catalogue, metric, compare, sector. */
import type { AppDeps, AppModule } from '../../platform/app-types.ts';
import { createAnalysisPages } from './analysis.ts';
import { createCouncilPages } from './council.ts';
import { createEarlyWarningPages } from './early-warning.ts';
import { createMetricPages } from './metric.ts';
import { pagesRoutes } from './routes.ts';

export const pagesModule: AppModule<AppDeps> = {
  name: 'pages',
  register(app, deps) {
    pagesRoutes(app, { councils: createCouncilPages(deps.db), metrics: createMetricPages(deps.db), analysis: createAnalysisPages(deps.db), earlyWarning: createEarlyWarningPages(deps.db) });
  },
};
