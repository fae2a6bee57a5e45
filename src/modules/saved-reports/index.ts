/**
 * Saved reports: registered users' report definitions, re-computed from the published data on every view; pages and
 * embeds.
 */
import type { AppModule } from '../../platform/app-types.ts';
import type { SavedReportsService } from './service.ts';
import type { Builder } from './builder.ts';
import { savedReportsPages } from './pages.ts';
import { savedReportsRoutes } from './routes.ts';

export { createSavedReportsService, type SavedReportsService } from './service.ts';
export { pearson, spearman } from './correlation.ts';

export { createBuilder, type Builder } from './builder.ts';
export { createReportComputer, type ReportComputer } from './compute.ts';

export const savedReportsModule: AppModule<{ savedReports: SavedReportsService; reportBuilder: Builder }> = {
  name: 'saved-reports',
  register(app, { savedReports, reportBuilder }) {
    savedReportsRoutes(app, savedReports);
    savedReportsPages(app, savedReports, reportBuilder);
  },
};
