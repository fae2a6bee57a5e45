/** Reports: the headline report of every council (and, to come, saved reports and embeds). */
import type { AppModule } from '../../platform/app-types.ts';
import type { HeadlineService } from './headline.ts';
import type { CompareService } from '../compare/index.ts';
import { reportsRoutes } from './routes.ts';

export { createHeadlineService, type Headline, type HeadlineItem, type HeadlineService } from './headline.ts';
export { HEADLINE_COLUMNS, headlineCells } from './spreadsheet.ts';
export { headlineCsvRows, headlineCsvw, HEADLINE_CSV, HEADLINE_CSV_COLUMNS } from './csv.ts';

export const reportsModule: AppModule<{ headlines: HeadlineService; compare: CompareService }> = {
  name: 'reports',
  register(app, { headlines, compare }) {
    reportsRoutes(app, headlines, () => compare.lastModified());
  },
};
