/**
 * The value-for-money page (/councils/{code}/value-for-money) and its embed (/embed/value-for-money/{code}), a widget
 * other sites may frame: no forms, nothing that depends on a session.
 */
import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/app-types.ts';
import { pageKey } from '../../platform/page-cache.ts';
import { contentSecurityPolicy } from '../../platform/security.ts';
import type { ValuePages } from './value-view.ts';

const schema = {
  hide: true,
  params: Type.Object({ code: Type.String({ pattern: '^[A-Za-z]\\d{8}$' }) }),
  querystring: Type.Object({ group: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
};

export function valuePages(app: App, pages: ValuePages, stamp: () => Promise<string>): void {
  app.get('/councils/:code/value-for-money', { schema }, async (req, reply) => {
    const code = req.params.code.toUpperCase();
    const q = { group: req.query.group || undefined };
    const origin = app.publicOrigin();
    // A custom group may be private (compared as the signed-in user may see it): never kept.
    if (q.group?.startsWith('custom-')) {
      reply.header('cache-control', 'private, no-store');
      return reply.view('value-for-money.njk', {
        ...(await pages.page(code, q, req.user ?? undefined)),
        origin,
      });
    }
    const build = async () => ({ ...(await pages.page(code, q)), origin });
    const key = pageKey(`/councils/${code}/value-for-money`, req.url, { group: (v) => v !== '' });
    if (!key || code !== req.params.code) return reply.view('value-for-money.njk', await build());
    return reply.viewCached(key, await stamp(), 'value-for-money.njk', build);
  });

  app.get('/embed/value-for-money/:code', { schema }, async (req, reply) => {
    const code = req.params.code.toUpperCase();
    const group = req.query.group || undefined;
    if (group?.startsWith('custom-'))
      return reply.code(400).view('embed-value-for-money.njk', {
        problem: 'A custom group cannot be embedded: choose a published group.',
        title: 'Value for money not available',
      });
    const model = await pages.page(code, { group });
    reply.header('content-security-policy', contentSecurityPolicy('*'));
    reply.header('cache-control', 'public, max-age=300');
    return reply.view('embed-value-for-money.njk', {
      ...model,
      origin: app.publicOrigin(),
      title: `Value for money: ${model.p.area.name}`,
    });
  });
}
