/**
 * The imports pages for analysts and administrators: /imports (newest first, drafts included) and /imports/{id}, a
 * draft's preview of what publishing it would change. Visitors are sent to sign in, council users refused; pages are
 * private (no-store). The API is in routes.ts.
 */
import { noStore } from '../../platform/http.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { ANALYST_ROLES, requireRole } from '../accounts/index.ts';
import type { ImportsService } from './preview.ts';
import { ImportParams } from './schemas.ts';

/** A visitor is sent to sign in (false: the reply is sent); anyone signed in without the role gets 403. */
export function analystOnly(req: FastifyRequest, reply: FastifyReply): boolean {
  if (!req.user) {
    void reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);
    return false;
  }
  requireRole(req, ANALYST_ROLES);
  noStore(reply);
  return true;
}

export function importsPages(app: App, imports: ImportsService): void {
  app.get('/imports', { schema: { hide: true } }, async (req, reply) => {
    if (!analystOnly(req, reply)) return reply;
    const { imports: list } = await imports.list(100);
    return reply.view('imports.njk', { title: 'Imports', imports: list });
  });

  app.get('/imports/:id', { schema: { hide: true, params: ImportParams } }, async (req, reply) => {
    if (!analystOnly(req, reply)) return reply;
    const imp = await imports.get(req.params.id);
    const title = imp.state === 'draft' ? `Draft import ${imp.id}` : `Import ${imp.id}`;
    return reply.view('import.njk', {
      title,
      imp,
      fresh: imp.metrics.filter((m) => m.action === 'new'),
      changed: imp.metrics.filter((m) => m.action === 'changed'),
    });
  });
}
