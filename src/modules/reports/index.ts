/** Reports: the headline report of every council (and, to come, saved reports and embeds). */
import type { AppDeps, AppModule } from '../../platform/app-types.ts';
import { createCompareService } from '../compare/index.ts';
import { createHeadlineService } from './headline.ts';
import { reportsRoutes } from './routes.ts';

export { createHeadlineService, type Headline, type HeadlineItem, type HeadlineService } from './headline.ts';
export { headlineCsvRows, HEADLINE_CSV_COLUMNS } from './routes.ts';

export const reportsModule: AppModule<AppDeps> = {
  name: 'reports',
  register(app, deps) {
    const compare = createCompareService(deps.db);
    reportsRoutes(app, createHeadlineService(deps.db), () => compare.lastModified());
  },
};
