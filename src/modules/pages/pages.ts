import { Type, type TProperties } from '@sinclair/typebox';
import type { App } from '../../platform/app-types.ts';
import { formatDateTime } from '../../platform/dates.ts';
import { AppError } from '../../platform/errors.ts';
import { contentSecurityPolicy } from '../../platform/security.ts';
import { pageKey } from '../../platform/page-cache.ts';
import { checkCsrf, requireRole, ANALYST_ROLES as ANALYSTS } from '../accounts/index.ts';
import type { AnalysisPages } from './analysis-view.ts';
import type { EarlyWarningPages } from './early-warning-view.ts';
import type { CouncilPages } from './council-view.ts';
import type { MetricPages } from './metric-view.ts';

const Text = (max = 200) => Type.Optional(Type.String({ maxLength: max }));
/** A hidden page route's schema: its query parameters, no others (the types of `req.query` follow from them). */
const query = <P extends TProperties>(props: P) => ({
  hide: true,
  querystring: Type.Object(props, { additionalProperties: false }),
});

/** The public pages: thin handlers that build a view model and render a template. */
export function publicPages(
  app: App,
  pages: { councils: CouncilPages; metrics: MetricPages; analysis: AnalysisPages; earlyWarning: EarlyWarningPages },
): void {
  app.get('/', { schema: query({ q: Text() }) }, async (req, reply) =>
    reply.view('home.njk', await pages.councils.home(req.query.q)),
  );

  app.get(
    '/areas/:code',
    {
      schema: {
        ...query({ at: Text(10), group: Text() }),
        params: Type.Object({ code: Type.String({ maxLength: 20 }) }),
      },
    },
    async (req, reply) => {
      const code = req.params.code.toUpperCase();
      if (code !== req.params.code)
        return reply.redirect(`/areas/${code}${req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''}`, 301);
      // The same for every visitor until data are published. Custom groups, which can be deleted or private (compared
      // as
      // the signed-in user may see them), are never cached.
      if (req.query.group?.startsWith('custom-')) {
        reply.header('cache-control', 'private, no-store');
        return reply.view('council.njk', await pages.councils.council(code, req.query, req.user ?? undefined));
      }
      // Kept only as of today: every past date (`?at=`) is a page of its own, rendered each time.
      const today = new Date().toISOString().slice(0, 10);
      const key = pageKey(`/areas/${code}`, req.url, { at: (v) => v === today, group: (v) => v !== '' });
      if (!key) return reply.view('council.njk', await pages.councils.council(code, req.query));
      return reply.viewCached(key, await pages.councils.stamp(), 'council.njk', () =>
        pages.councils.council(code, req.query),
      );
    },
  );

  app.get('/metrics', { schema: query({ topic: Text(), q: Text() }) }, async (req, reply) =>
    reply.view('metrics.njk', await pages.metrics.catalogue(req.query)),
  );

  app.get(
    '/metrics/:id',
    {
      schema: {
        ...query({ period: Text(), area: Text(120), prices: Text(10), base: Text(20) }),
        params: Type.Object({ id: Type.String({ maxLength: 200 }) }),
      },
    },
    async (req, reply) => {
      try {
        // Kept for the metric's own address and its periods (a period it does not have is an error, never kept); not
        // with ?area=, which any GSS-shaped code would multiply.
        const key = pageKey(`/metrics/${encodeURIComponent(req.params.id)}`, req.url, { period: (v) => v !== '' });
        if (!key) return reply.view('metric.njk', await pages.metrics.metric(req.params.id, req.query));
        return await reply.viewCached(key, await pages.councils.stamp(), 'metric.njk', () =>
          pages.metrics.metric(req.params.id, req.query),
        );
      } catch (e) {
        // An old slug: the metrics service answers with the new id's API address; pages go to the page.
        if (e instanceof AppError && e.status === 301 && e.headers.location)
          return reply.redirect(e.headers.location.replace('/api/v1/metrics/', '/metrics/'), 301);
        throw e;
      }
    },
  );

  app.get(
    '/compare',
    {
      schema: query({
        metric: Text(),
        area: Text(120),
        group: Text(),
        period: Text(100),
        topic: Text(60),
        step: Text(20),
      }),
    },
    async (req, reply) => {
      const q = {
        area: req.query.area?.trim() || undefined,
        metric: req.query.metric || undefined,
        group: req.query.group || undefined,
        period: req.query.period || undefined,
        topic: req.query.topic || undefined,
        step: req.query.step || undefined,
      };
      // A custom group is compared as the signed-in user may see it (a private one is theirs alone): never cached.
      const viewer = q.group?.startsWith('custom-') ? (req.user ?? undefined) : undefined;
      if (viewer) reply.header('cache-control', 'private, no-store');
      return reply.view('compare.njk', {
        ...(await pages.analysis.compare(q, viewer)),
        origin: app.publicOrigin(),
        noData: await pages.councils.noData(),
      });
    },
  );

  app.get('/sector', { schema: query({ area: Text(120), basket: Text(120) }) }, async (req, reply) => {
    const build = async () => ({
      ...(await pages.analysis.sector({
        area: req.query.area?.trim() || undefined,
        basket: req.query.basket || undefined,
      })),
      noData: await pages.councils.noData(),
    });
    // The overview everyone opens (no query) is the same for every visitor until data or baskets change: kept.
    const key = pageKey('/sector', req.url, {});
    if (!key) {
      const model = await build();
      return reply.code('areaErrors' in model && model.areaErrors?.length ? 400 : 200).view('sector.njk', model);
    }
    return reply.viewCached(key, await pages.councils.stamp(), 'sector.njk', build);
  });

  // An embeddable widget for council websites: a comparison's chart, table, caveats, licence and a link to the data.
  // The only pages that may be framed by other sites; they carry no forms and no session-dependent content.
  app.get(
    '/embed/compare',
    { schema: query({ metric: Text(), area: Text(120), group: Text(), period: Text(100) }) },
    async (req, reply) => {
      const q = {
        metric: req.query.metric || undefined,
        area: req.query.area?.trim() || undefined,
        group: req.query.group || undefined,
        period: req.query.period || undefined,
      };
      const model = await pages.analysis.compareEmbed(q);
      const problem =
        model.problem ??
        (model.result ? null : { message: 'Give a measure (metric), a council (area) and a group.', field: 'metric' });
      reply.header('content-security-policy', contentSecurityPolicy('*'));
      reply.header('cache-control', 'public, max-age=300');
      const origin = app.publicOrigin();
      return reply.code(problem ? 400 : 200).view('embed-compare.njk', {
        ...model,
        problem,
        origin,
        title: model.result
          ? `${model.result.c.metric.title}: ${model.result.c.area.name}`
          : 'Comparison not available',
      });
    },
  );

  // The same analysis as one self-contained HTML document (inline styles and chart) to keep, send or print to PDF.
  const report = query({ area: Text(120), basket: Text(120) });
  app.get('/sector/report.html', { schema: report }, async (req, reply) => {
    const model = await pages.analysis.sector({
      area: req.query.area?.trim() || undefined,
      basket: req.query.basket || undefined,
    });
    if (!model.report) return reply.code(400).view('sector.njk', model);
    const name =
      `direction-of-travel-${model.report.area?.code ?? 'england'}-${model.report.basket.id}-${model.report.basket.version}.html`.replace(
        /[^\w.-]/g,
        '_',
      );
    reply.header('content-disposition', `attachment; filename="${name}"`);
    return reply.view('sector-report.njk', {
      ...model,
      generatedAt: formatDateTime(new Date().toISOString()),
    });
  });

  // Early warning: analysts and administrators. A visitor is sent to sign in; a council user is refused (403).
  app.get(
    '/sector/early-warning',
    {
      schema: {
        hide: true,
        querystring: Type.Object(
          { include: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('all')])), rules: Text(120) },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      if (!req.user) return reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);
      requireRole(req, ANALYSTS);
      reply.header('cache-control', 'private, no-store');
      return reply.view('early-warning.njk', await pages.earlyWarning.page(req.query));
    },
  );
  app.post('/sector/early-warning/runs', { schema: { hide: true } }, async (req, reply) => {
    requireRole(req, ANALYSTS);
    checkCsrf(req);
    await pages.earlyWarning.screen();
    return reply.redirect('/sector/early-warning', 303);
  });
  app.post(
    '/sector/early-warning/flags/:id/annotations',
    {
      schema: {
        hide: true,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object({ text: Type.String({ maxLength: 2000 }), _csrf: Type.String({ maxLength: 100 }) }),
      },
    },
    async (req, reply) => {
      const user = requireRole(req, ANALYSTS);
      checkCsrf(req);
      await pages.earlyWarning.annotate(req.params.id, { id: user.id, name: user.name }, req.body.text);
      return reply.redirect(`/sector/early-warning#flag-${req.params.id}`, 303);
    },
  );
}
