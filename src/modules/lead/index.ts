/**
 * Leadership programmes: cohorts and dated modules, eligibility as dated data, subsidised places per council
 * per window (surviving mergers and re-codings), applications and a waiting list fair under concurrency, attendance,
 * completion, survey contacts from each person's dates, and take-up by council.
 */
import type { AppModule } from '../../platform/app-types.ts';
import type { LeadService } from './service.ts';
import { bookingPages } from './booking-pages.ts';
import { evaluationPages } from './evaluation-pages.ts';
import { leadPages } from './pages.ts';
import { leadRoutes } from './routes.ts';

export { createLeadService, type LeadService } from './service.ts';
export type { YearTakeUp } from './progress.ts';

export const leadModule: AppModule<{ lead: LeadService }> = {
  name: 'lead',
  register(app, { lead }) {
    leadRoutes(app, lead);
    leadPages(app, lead);
    bookingPages(app, lead);
    evaluationPages(app, lead);
  },
};
