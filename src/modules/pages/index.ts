/**
 * The public pages (GOV.UK Design System): home and council search, council page, catalogue, metric, compare, sector.
 */
import type { AppModule } from '../../platform/app-types.ts';
import { createAnalysisPages } from './analysis-view.ts';
import { createCouncilPages } from './council-view.ts';
import { createEarlyWarningPages } from './early-warning-view.ts';
import { createMetricPages } from './metric-view.ts';
import { publicPages } from './pages.ts';
import { createValuePages, type ValuePages } from './value-view.ts';
import { valuePages } from './value-pages.ts';

export { createAnalysisPages, createCouncilPages, createEarlyWarningPages, createMetricPages, createValuePages };

export const pagesModule: AppModule<{ pages: Parameters<typeof publicPages>[1] & { value: ValuePages } }> = {
  name: 'pages',
  register(app, { pages }) {
    publicPages(app, pages);
    valuePages(app, pages.value, () => pages.councils.stamp());
  },
};
