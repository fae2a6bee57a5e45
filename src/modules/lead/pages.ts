/**
 * The leadership pages (no JavaScript needed): /leadership (programmes and cohorts with places free, for everyone) and
 * /leadership/take-up?programme= (every current council against its subsidised place, for the programme office and
 * administrators), with completion and survey response rates and the Academy's "how would you speak about it" table
 * from the feedback survey.
 */
import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/app-types.ts';
import { noStore } from '../../platform/http.ts';
import { pageFor } from '../accounts/index.ts';
import { OFFICE_ROLES, isOffice } from './context.ts';
import { TakeUpQuery } from './schemas.ts';
import type { LeadService } from './service.ts';

const KIND_NAMES: Record<string, string> = {
  'leadership-academy': 'Leadership Academy',
  'leadership-essentials': 'Leadership Essentials',
  'next-generation': 'Next Generation',
  'senior-officer': 'Senior officer programme',
};

export function leadPages(app: App, lead: LeadService): void {
  app.get('/leadership', { schema: { hide: true, querystring: Type.Object({}) } }, async (req, reply) => {
    noStore(reply);
    return reply.view('lead-programmes.njk', {
      title: 'Leadership programmes',
      programmes: await lead.reference(),
      kindNames: KIND_NAMES,
      office: isOffice(req.user),
      canBook: isOffice(req.user) || req.user?.role === 'council' || req.user?.role === 'group_office',
    });
  });
  app.get('/leadership/take-up', { schema: { hide: true, querystring: TakeUpQuery } }, async (req, reply) => {
    if (!pageFor(req, reply, OFFICE_ROLES)) return reply;
    const t = await lead.takeUp(req.user, req.query);
    const results = await lead.surveyResults(t.programme);
    const pct = (n: number, of: number) => (of === 0 ? '-' : n === 0 ? '0' : String(Math.round((100 * n) / of)));
    const used = t.councils.filter((c) => c.status === 'used').length;
    const query = new URLSearchParams({ programme: t.programme, window: t.window.startsOn }).toString();
    return reply.view('lead-take-up.njk', {
      title: 'Leadership take-up',
      t,
      used,
      completionRate: pct(t.completion.completed, t.completion.endedPlaces),
      rates: results.rates.map((r) => ({ ...r, rate: pct(r.answered, r.asked) })),
      speak: results.speak,
      speakMissing: results.speakMissing,
      csv: `/api/v1/leadership/take-up.csv?${query}`,
      json: `/api/v1/leadership/take-up.json?${query}`,
    });
  });
}
