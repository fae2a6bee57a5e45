/**
 * The administrators' mail page, /admin/email: whether mail is configured, how many messages are in each state, and
 * the dead letters (messages that failed for good) with a button to queue each again or discard it.
 */
import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/app-types.ts';
import { checkCsrf, pageFor, requireRole } from '../accounts/index.ts';
import type { EmailService } from './service.ts';
import { EMAIL_STATUSES } from './tables.ts';

const Params = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  action: Type.Union([Type.Literal('retry'), Type.Literal('discard')]),
});
const Form = Type.Object({ _csrf: Type.String({ maxLength: 100 }) });
const Query = Type.Object({ done: Type.Optional(Type.Union([Type.Literal('retry'), Type.Literal('discard')])) });

export function emailPages(app: App, email: EmailService): void {
  app.get('/admin/email', { schema: { hide: true, querystring: Query } }, async (req, reply) => {
    if (!pageFor(req, reply, ['admin'])) return reply;
    const o = await email.overview();
    return reply.view('admin-email.njk', {
      title: 'Email',
      ...o,
      statuses: EMAIL_STATUSES.map((s) => ({ status: s, n: o.counts[s] ?? 0 })),
      done: req.query.done,
    });
  });

  app.post('/admin/email/:id/:action', { schema: { hide: true, params: Params, body: Form } }, async (req, reply) => {
    const me = requireRole(req, ['admin']);
    checkCsrf(req);
    if (req.params.action === 'retry') await email.retry(req.params.id, me.id);
    else await email.discard(req.params.id, me.id);
    return reply.redirect(`/admin/email?done=${req.params.action}`, 303);
  });
}
