/**
 * The leadership pages (no JavaScript needed): /leadership (programmes and cohorts with places free, for everyone) and
 * /leadership/take-up?programme= (every current council against its subsidised place, for the programme office and
 * administrators).
 */
import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/app-types.ts';
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
    reply.header('cache-control', 'private, no-store');
    return reply.view('lead-programmes.njk', {
      title: 'Leadership programmes',
      programmes: await lead.reference(),
      kindNames: KIND_NAMES,
      office: isOffice(req.user),
    });
  });
  app.get('/leadership/take-up', { schema: { hide: true, querystring: TakeUpQuery } }, async (req, reply) => {
    if (!pageFor(req, reply, OFFICE_ROLES)) return reply;
    const t = await lead.takeUp(req.user, req.query);
    const used = t.councils.filter((c) => c.status === 'used').length;
    const query = new URLSearchParams({ programme: t.programme, window: t.window.startsOn }).toString();
    return reply.view('lead-take-up.njk', {
      title: 'Leadership take-up',
      t,
      used,
      csv: `/api/v1/leadership/take-up.csv?${query}`,
      json: `/api/v1/leadership/take-up.json?${query}`,
    });
  });
}
