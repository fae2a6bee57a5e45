/** The public pages (GOV.UK Design System): home and council search, council page, catalogue, metric, compare, sector. */
import type { AppModule } from '../../platform/app-types.ts';
import { createAnalysisPages } from './analysis.ts';
import { createCouncilPages } from './council.ts';
import { createEarlyWarningPages } from './early-warning.ts';
import { createMetricPages } from './metric.ts';
import { pagesRoutes } from './routes.ts';

export { createAnalysisPages, createCouncilPages, createEarlyWarningPages, createMetricPages };

export const pagesModule: AppModule<{ pages: Parameters<typeof pagesRoutes>[1] }> = {
  name: 'pages',
  register(app, { pages }) {
    pagesRoutes(app, pages);
  },
};
