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
  querystring: Type.Object(
    {
      group: Type.Optional(Type.String({ maxLength: 200 })),
      // Cash or real terms (docs/REAL-TERMS.md); a refusal is shown on the page, so these are checked there.
      prices: Type.Optional(Type.String({ maxLength: 10 })),
      base: Type.Optional(Type.String({ maxLength: 20 })),
      deflator: Type.Optional(Type.String({ maxLength: 200 })),
    },
    { additionalProperties: false },
  ),
};

export function valuePages(app: App, pages: ValuePages, stamp: () => Promise<string>): void {
  app.get('/councils/:code/value-for-money', { schema }, async (req, reply) => {
    const code = req.params.code.toUpperCase();
    const { group, prices, base, deflator } = req.query;
    const q = { group: group || undefined, prices: prices || undefined, base, deflator };
    const origin = app.publicOrigin();
    // Real terms refused (no deflator, a base year it has no index for): the page in cash with the reason, a 400.
    const render = async (model: Awaited<ReturnType<ValuePages['page']>>) =>
      reply.code(model.problem ? 400 : 200).view('value-for-money.njk', { ...model, origin });
    // A custom group may be private (compared as the signed-in user may see it): never kept.
    if (q.group?.startsWith('custom-')) {
      reply.header('cache-control', 'private, no-store');
      return render(await pages.page(code, q, req.user ?? undefined));
    }
    // Kept in cash terms only: a real-terms page (any base year or deflator) is rendered each time.
    const key = pageKey(`/councils/${code}/value-for-money`, req.url, {
      group: (v) => v !== '',
      prices: (v) => v === 'cash',
    });
    if (!key || code !== req.params.code) return render(await pages.page(code, q));
    return reply.viewCached(key, await stamp(), 'value-for-money.njk', async () => ({
      ...(await pages.page(code, q)),
      origin,
    }));
  });

  app.get('/embed/value-for-money/:code', { schema }, async (req, reply) => {
    const code = req.params.code.toUpperCase();
    const { prices, base, deflator } = req.query;
    const group = req.query.group || undefined;
    if (group?.startsWith('custom-'))
      return reply.code(400).view('embed-value-for-money.njk', {
        problem: 'A custom group cannot be embedded: choose a published group.',
        title: 'Value for money not available',
      });
    const model = await pages.page(code, { group, prices, base, deflator });
    reply.header('content-security-policy', contentSecurityPolicy('*'));
    if (model.problem)
      return reply.code(400).view('embed-value-for-money.njk', {
        problem: model.problem.text,
        title: 'Value for money not available',
      });
    reply.header('cache-control', 'public, max-age=300');
    return reply.view('embed-value-for-money.njk', {
      ...model,
      origin: app.publicOrigin(),
      title: `Value for money: ${model.p.area.name}`,
    });
  });
}
