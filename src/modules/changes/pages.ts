/** The page /changes: recent changes in plain English, newest first, paged by the feed's positions. */
import type { App } from '../../platform/app-types.ts';
import { PageQuery } from './schemas.ts';
import type { ChangesService } from './service.ts';
import { changesView } from './view.ts';

/** Entries a page shows. */
const PAGE_ENTRIES = 50;

export function changesPages(app: App, service: ChangesService): void {
  app.get('/changes', { schema: { hide: true, querystring: PageQuery } }, async (req, reply) => {
    const page = await service.recent({ ...req.query, limit: PAGE_ENTRIES });
    reply.header('cache-control', 'public, max-age=60');
    const paged = req.query.after !== undefined || req.query.before !== undefined;
    return reply.view('changes.njk', changesView(page, paged));
  });
}
